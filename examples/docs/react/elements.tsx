// #region elements
import { useState } from 'react';
import { useSynapse } from '@synapse-calling/react';
// Defines the tags (the package's main entry) and adds them to React's JSX types.
import '@synapse-calling/elements/react';

export function ContactCard({ userId, name }: { userId: string; name: string }) {
  const { client } = useSynapse();
  const [state, setState] = useState('idle');
  return (
    // The elements inside use the provider's client: one connection for hooks and elements.
    <synapse-calling client={client} no-call-ui>
      <synapse-presence user-id={userId} compact />
      <synapse-call-button
        user-id={userId}
        name={name}
        metadata={{ crmRecord: 'lead-42' }}
        onsynapse-call-start={(e) => {
          if (!confirm(`Call ${name}?`)) e.preventDefault(); // the element honours a veto
        }}
        onsynapse-call-state={(e) => setState(e.detail.state)}
      />
      <span>Last call: {state}</span>
      <synapse-call-history limit={5} no-title />
    </synapse-calling>
  );
}
// #endregion elements
