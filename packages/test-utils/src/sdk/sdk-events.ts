/**
 * Event helpers for sdk-core tests (Node and browser): wait for a typed event instead of
 * sleeping. Works with anything whose `on(event, listener)` returns an unsubscribe function.
 */

import type { Call, CallEvents, ClientEvents, SynapseClient } from '@synapse-calling/sdk-core';

type FirstArg<F> = F extends (first: infer A, ...rest: never[]) => void ? A : undefined;
interface WaitOptions<A> {
  timeoutMs?: number;
  filter?: (arg: A) => boolean;
}
type Loose = { on(event: string, listener: (arg: unknown) => void): () => void };

/**
 * Resolves with the first argument of the next `event` (that passes `filter`), or rejects after
 * `timeoutMs` with a message naming the event, so a missing event fails clearly.
 */
export function waitForEvent<K extends keyof ClientEvents>(
  target: SynapseClient,
  event: K,
  options?: WaitOptions<FirstArg<ClientEvents[K]>>,
): Promise<FirstArg<ClientEvents[K]>>;
export function waitForEvent<K extends keyof CallEvents>(
  target: Call,
  event: K,
  options?: WaitOptions<FirstArg<CallEvents[K]>>,
): Promise<FirstArg<CallEvents[K]>>;
export function waitForEvent(
  target: SynapseClient | Call,
  event: string,
  { timeoutMs = 20_000, filter }: WaitOptions<unknown> = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${event}'`));
    }, timeoutMs);
    const off = (target as unknown as Loose).on(event, (arg) => {
      if (filter && !filter(arg)) return;
      clearTimeout(timer);
      off();
      resolve(arg);
    });
  });
}

/**
 * Resolves once `check()` is truthy, re-checking whenever `subscribe`'s callback fires (e.g. a
 * client's `subscribe`), so it waits for a state rather than an event that may already be past.
 */
export function waitUntil<T>(
  subscribe: (listener: () => void) => () => void,
  check: () => T | undefined | null | false,
  { timeoutMs = 20_000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const first = check();
    if (first) return resolve(first);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const off = subscribe(() => {
      const value = check();
      if (!value) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}
