import { createContext, useContext } from 'react';
import { SynapseError, type SynapseClient } from '@synapse-calling/sdk-core';

/** The client `<SynapseProvider>` gives to the hooks below it. */
export const SynapseContext = createContext<SynapseClient | null>(null);
SynapseContext.displayName = 'SynapseContext';

/**
 * The client of the nearest `<SynapseProvider>`, without subscribing to its state: a component
 * that only places calls does not re-render when presence or calls change.
 *
 * @example
 * const client = useSynapseClient();
 * return <button onClick={() => void client.call('ann')}>Call Ann</button>;
 */
export function useSynapseClient(): SynapseClient {
  const client = useContext(SynapseContext);
  if (!client) {
    throw new SynapseError(
      'invalid-state',
      'The Synapse hooks need a <SynapseProvider> above the component that uses them',
    );
  }
  return client;
}
