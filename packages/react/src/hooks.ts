import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type {
  Call,
  CallSnapshot,
  ClientSnapshot,
  Presence,
  SynapseClient,
} from '@synapse-calling/sdk-core';
import { useSynapseClient } from './context';
import { SERVER_SNAPSHOT } from './server-snapshot';

/** What {@link useSynapse} returns. */
export interface SynapseState {
  /** The client: place calls (`client.call(id)`), set the status, fetch the history… */
  client: SynapseClient;
  /** Its whole state: connection, own user and status, presence, calls. */
  snapshot: ClientSnapshot;
}

/** A call as the hooks give it: data to render from, and the call to act on. */
export interface LiveCall {
  /** The call's state as immutable data; a new object only when the call changed. */
  snapshot: CallSnapshot;
  /** The call itself: `accept()`, `reject()`, `end()`, `mute()`, `remoteStream`… */
  call: Call;
}

type Selector<T> = (snapshot: ClientSnapshot) => T;

/**
 * One part of the client's snapshot, re-rendering only when that part changed. `select` must be
 * stable (module-level or `useCallback`); `isEqual` lets a selector that builds a new value
 * (a list) keep the previous one when nothing in it changed, so the component does not re-render
 * for unrelated changes and `useSyncExternalStore` never sees a new value for the same snapshot.
 */
function useSelected<T>(select: Selector<T>, isEqual: (a: T, b: T) => boolean = Object.is): T {
  const client = useSynapseClient();
  const last = useRef<{ source: ClientSnapshot; select: Selector<T>; value: T } | null>(null);
  const read = (source: ClientSnapshot): T => {
    const prev = last.current;
    if (prev && prev.source === source && prev.select === select) return prev.value;
    const next = select(source);
    const value = prev && isEqual(prev.value, next) ? prev.value : next;
    last.current = { source, select, value };
    return value;
  };
  return useSyncExternalStore(
    client.subscribe,
    () => read(client.getSnapshot()),
    () => read(SERVER_SNAPSHOT),
  );
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) =>
  a.length === b.length && a.every((item, i) => item === b[i]);

const whole: Selector<ClientSnapshot> = (s) => s;
const activeCall: Selector<CallSnapshot | null> = (s) => s.activeCall;
const incomingCalls: Selector<readonly CallSnapshot[]> = (s) => s.incomingCalls;

function liveCall(client: SynapseClient, snapshot: CallSnapshot): LiveCall | null {
  const call = client.calls.get(snapshot.id);
  return call ? { snapshot, call } : null;
}

/**
 * The client and its whole state; re-renders on every change. Prefer the narrower hooks in
 * components that show one part (a presence dot, the call panel).
 *
 * @example
 * const { client, snapshot } = useSynapse();
 * if (snapshot.connectionError) return <p>Calling is unavailable: {snapshot.connectionError.code}</p>;
 */
export function useSynapse(): SynapseState {
  const client = useSynapseClient();
  const snapshot = useSelected(whole);
  return useMemo(() => ({ client, snapshot }), [client, snapshot]);
}

/**
 * The presence of `userId` (`status`, `lastSeen`), watched while the component is mounted;
 * undefined until the server has told it (and always during server rendering). Many components
 * watching one user make one server subscription.
 *
 * @example
 * const presence = usePresence('ann');
 * return <span className={`dot ${presence?.status ?? 'offline'}`} />;
 */
export function usePresence(userId: string): Presence | undefined {
  const client = useSynapseClient();
  // Effects never run on the server, so server rendering subscribes to nothing.
  useEffect(() => client.presence.watch(userId, () => undefined), [client, userId]);
  const select = useCallback<Selector<Presence | undefined>>((s) => s.presence[userId], [userId]);
  return useSelected(select);
}

/**
 * The call this client is in or placing (ringing at the other side, connecting, active), or
 * null. Re-renders only when that call changes.
 *
 * @example
 * const active = useCall();
 * if (!active) return null;
 * return <button onClick={() => void active.call.end()}>Hang up {active.snapshot.peer.name}</button>;
 */
export function useCall(): LiveCall | null {
  const client = useSynapseClient();
  const snapshot = useSelected(activeCall);
  return useMemo(() => (snapshot ? liveCall(client, snapshot) : null), [client, snapshot]);
}

/**
 * The calls ringing at this user, in the order they arrived; the same array until one of them changes.
 *
 * @example
 * const ringing = useIncomingCalls();
 * return ringing.map(({ snapshot, call }) => (
 *   <p key={snapshot.id}>
 *     {snapshot.peer.name} is calling <button onClick={() => void call.accept()}>Answer</button>
 *   </p>
 * ));
 */
export function useIncomingCalls(): readonly LiveCall[] {
  const client = useSynapseClient();
  const snapshots = useSelected(incomingCalls, sameItems);
  return useMemo(() => snapshots.flatMap((s) => liveCall(client, s) ?? []), [client, snapshots]);
}
