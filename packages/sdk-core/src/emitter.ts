/** The shape of an event map: event name → listener signature. */
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void };

type Args<F> = F extends (...args: infer A) => void ? A : never;

/**
 * A tiny typed event emitter. `on` returns the unsubscribe function so that callers never need
 * to keep the listener around just to remove it.
 */
export class TypedEmitter<E extends EventMap<E>> {
  // A record over E's own names (not a Map) so that TypeScript can infer E from any subclass,
  // which `forwardEvents` relies on; no prototype, so an event named `toString` is just a name.
  private listeners: { [K in keyof E]?: Set<E[K]> } = Object.create(null);

  /** Adds `listener` for `event`; returns a function that removes it (safe to call twice). */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    const set = (this.listeners[event] ??= new Set());
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
    return this.listeners[event]?.size ?? 0;
  }

  emit<K extends keyof E>(event: K, ...args: Args<E[K]>): void {
    const set = this.listeners[event];
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
    this.listeners = Object.create(null);
  }
}

/** The events of `E` whose arguments `T`'s listeners of the same name accept. */
type SharedEvents<E, T> = {
  [K in keyof E & keyof T]: Args<E[K]> extends Args<T[K]> ? K : never;
}[keyof E & keyof T];

/**
 * Re-emits `events` of `from` as the same events of `to`, with the same arguments. `before` runs
 * first each time (e.g. to invalidate a snapshot, so a listener reading it sees the change).
 */
export function forwardEvents<E extends EventMap<E>, T extends EventMap<T>>(
  from: TypedEmitter<E>,
  to: TypedEmitter<T>,
  events: readonly SharedEvents<E, T>[],
  before?: () => void,
): void {
  for (const event of events) {
    from.on(event, ((...args: Args<T[typeof event]>) => {
      before?.();
      to.emit(event, ...args);
    }) as E[typeof event]);
  }
}
