/**
 * Event helpers for sdk-core tests (Node and browser): wait for a typed event instead of
 * sleeping. Works with anything whose `on(event, listener)` returns an unsubscribe function.
 */

type Listener = (...args: never[]) => void;
interface OnTarget<E> {
  on<K extends keyof E>(event: K, listener: E[K]): () => void;
}
type FirstArg<F> = F extends (first: infer A, ...rest: never[]) => void ? A : undefined;

/**
 * Resolves with the first argument of the next `event` (that passes `filter`), or rejects after
 * `timeoutMs` with a message naming the event, so a missing event fails clearly.
 */
export function waitForEvent<E extends { [K in keyof E]: Listener }, K extends keyof E>(
  target: OnTarget<E>,
  event: K,
  {
    timeoutMs = 20_000,
    filter,
  }: { timeoutMs?: number; filter?: (arg: FirstArg<E[K]>) => boolean } = {},
): Promise<FirstArg<E[K]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${String(event)}'`));
    }, timeoutMs);
    const off = target.on(event, ((arg: FirstArg<E[K]>) => {
      if (filter && !filter(arg)) return;
      clearTimeout(timer);
      off();
      resolve(arg);
    }) as unknown as E[K]);
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
