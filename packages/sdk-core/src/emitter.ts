/** The shape of an event map: event name → listener signature. */
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void };

type Args<F> = F extends (...args: infer A) => void ? A : never;

/**
 * A tiny typed event emitter. `on` returns the unsubscribe function so that callers never need
 * to keep the listener around just to remove it.
 */
export class TypedEmitter<E extends EventMap<E>> {
  private readonly listeners = new Map<keyof E, Set<E[keyof E]>>();

  /** Adds `listener` for `event`; returns a function that removes it (safe to call twice). */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Like `on`, but the listener runs at most once. */
  once<K extends keyof E>(event: K, listener: E[K]): () => void {
    const off = this.on(event, ((...args: Args<E[K]>) => {
      off();
      (listener as (...a: Args<E[K]>) => void)(...args);
    }) as E[K]);
    return off;
  }

  /** Number of listeners for `event`; lets producers skip work nobody listens to. */
  listenerCount(event: keyof E): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  emit<K extends keyof E>(event: K, ...args: Args<E[K]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Args<E[K]>) => void)(...args);
      } catch (err) {
        // A throwing listener must not break the SDK's own state updates, but it must not be
        // swallowed either: rethrow outside this call stack so it reaches the global handler.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  removeAll(): void {
    this.listeners.clear();
  }
}
