import { createElement, useEffect, useState, type ReactElement, type ReactNode } from 'react';
import {
  createClient,
  SynapseError,
  type ClientOptions,
  type SynapseClient,
} from '@synapse-calling/sdk-core';
import { SynapseContext } from './context';

interface CommonProps {
  /**
   * Connect when the provider mounts and disconnect when it unmounts (default: true). Set it to
   * false when the app connects the client itself (`client.connect()` after signing in).
   */
  autoConnect?: boolean | undefined;
  children?: ReactNode;
}

/** Props of {@link SynapseProvider}: a client the app made, or the options to make one. */
export type SynapseProviderProps = CommonProps &
  (
    | {
        /** A client the app created with `createClient` (shared with other code, if it likes). */
        client: SynapseClient;
        options?: never;
      }
    | {
        /**
         * Options of a client the provider creates on its first render and keeps while mounted;
         * later changes are ignored (give the provider a `key` to start over with new ones).
         */
        options: ClientOptions;
        client?: never;
      }
  );

/**
 * Gives a Synapse client to the hooks below it and, by default, connects it while mounted.
 * Server rendering is safe: creating a client touches no browser API and connecting happens in
 * an effect, which never runs on the server; the hooks render the empty, disconnected state
 * there and during hydration.
 *
 * @example
 * <SynapseProvider options={{ url: 'https://calls.example.com', tokenUrl: '/synapse/token' }}>
 *   <App />
 * </SynapseProvider>
 */
export function SynapseProvider(props: SynapseProviderProps): ReactElement {
  const { autoConnect = true, children } = props;
  const [own] = useState(() => (props.client ? null : createClient(props.options)));
  const client = props.client ?? own;
  // Only when a provider that started with a client lost it: its options were never read.
  if (!client) {
    throw new SynapseError(
      'invalid-state',
      'SynapseProvider lost its client; give it a new key to switch from a client to options',
    );
  }

  useEffect(() => {
    if (!autoConnect) return;
    // A failure shows in the snapshot (connectionError) and the client's error event; nobody
    // awaits this promise.
    client.connect().catch(() => undefined);
    return () => void client.disconnect();
  }, [client, autoConnect]);

  return createElement(SynapseContext.Provider, { value: client }, children);
}
