// A React 19 consumer of the installed tarballs: rendered on the server (Node, after tsc emits
// it), hydrated in Chromium (client.tsx, built by Vite). It uses every hook and the elements in
// TSX, whose JSX types come with @synapse-calling/elements/react and no hand-written .d.ts.
import { useState } from 'react';
import {
  SynapseProvider,
  useCall,
  useIncomingCalls,
  usePresence,
  useSynapse,
  type ClientOptions,
} from '@synapse-calling/react';
import type { SynapseCallStateDetail } from '@synapse-calling/elements/react';

function Page() {
  const { snapshot } = useSynapse();
  const ann = usePresence('ann');
  const active = useCall();
  const ringing = useIncomingCalls();
  const [last, setLast] = useState<SynapseCallStateDetail['state'] | 'none'>('none');
  return (
    <main data-state={snapshot.connectionState}>
      <p id="who">{snapshot.user?.name ?? 'nobody yet'}</p>
      <p id="ann" data-status={ann?.status ?? 'unknown'}>
        Ann is {ann?.status ?? 'unknown'}
      </p>
      <p id="calls">{`${active ? active.snapshot.state : 'no call'}, ${ringing.length} ringing`}</p>
      {/* The elements reflect their state into attributes (status, state) as soon as they are
          defined, before React hydrates: suppressHydrationWarning says that is expected. */}
      <synapse-presence user-id="ann" compact suppressHydrationWarning />
      <synapse-call-button
        suppressHydrationWarning
        user-id="ann"
        name="Ann"
        metadata={{ from: 'consumer' }}
        onsynapse-call-state={(e) => setLast(e.detail.state)}
      />
      <p id="last">{last}</p>
    </main>
  );
}

/** The page; `options` are plain data, so a server can render it and the browser hydrate it. */
export function App({ options }: { options: ClientOptions }) {
  return (
    <SynapseProvider options={options}>
      <Page />
    </SynapseProvider>
  );
}
