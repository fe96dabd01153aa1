import { createContext } from '@lit/context';
import type { SynapseClient } from '@synapse-calling/sdk-core';

/** The client `<synapse-calling>` provides to its descendants. */
export const clientContext = createContext<SynapseClient | undefined>(
  Symbol.for('synapse-calling.client'),
);

type DefaultListener = (client: SynapseClient | undefined) => void;

let defaultClient: SynapseClient | undefined;
const listeners = new Set<DefaultListener>();

/**
 * Sets the page-level client that elements outside any `<synapse-calling>` use. The first
 * `<synapse-calling>` on the page registers its client here unless a default is already set.
 * Pass `undefined` to clear it.
 */
export function setDefaultClient(client: SynapseClient | undefined): void {
  if (client === defaultClient) return;
  defaultClient = client;
  for (const listener of listeners) listener(client);
}

/** The page-level default client, if any. */
export function getDefaultClient(): SynapseClient | undefined {
  return defaultClient;
}

/** Calls `listener` whenever the default client changes; returns the unsubscribe function. */
export function onDefaultClientChange(listener: DefaultListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
