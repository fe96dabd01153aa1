/**
 * Resolves with the next `type` event on `target` that passes `filter`; rejects after
 * `timeoutMs` naming the event, so a missing event fails clearly instead of hanging.
 */
export function nextEvent<K extends keyof HTMLElementEventMap>(
  target: EventTarget,
  type: K,
  {
    filter,
    timeoutMs = 20_000,
    what = type,
  }: {
    filter?: (e: HTMLElementEventMap[K]) => boolean;
    timeoutMs?: number;
    /** Names what was awaited in the timeout error; a function is asked at timeout. */
    what?: string | (() => string);
  } = {},
): Promise<HTMLElementEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      target.removeEventListener(type, listener);
      const label = typeof what === 'function' ? what() : what;
      reject(new Error(`timed out after ${timeoutMs} ms waiting for '${label}'`));
    }, timeoutMs);
    function listener(event: Event) {
      const e = event as HTMLElementEventMap[K];
      if (filter && !filter(e)) return;
      clearTimeout(timer);
      target.removeEventListener(type, listener);
      resolve(e);
    }
    target.addEventListener(type, listener);
  });
}

/** Collects every `type` event on `target` (for counting what arrived). */
export function recordEvents<K extends keyof HTMLElementEventMap>(
  target: EventTarget,
  type: K,
): HTMLElementEventMap[K][] {
  const seen: HTMLElementEventMap[K][] = [];
  target.addEventListener(type, (e) => seen.push(e as HTMLElementEventMap[K]));
  return seen;
}
