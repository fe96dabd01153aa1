/**
 * A lazily rebuilt immutable snapshot plus change listeners: the contract React's
 * `useSyncExternalStore` (and Vue/Svelte stores) need. `getSnapshot()` returns the same object
 * until `invalidate()` is called, so renders only happen when something really changed.
 */
export class SnapshotStore<T> {
  private snapshot: T | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly build: () => T) {}

  getSnapshot = (): T => {
    this.snapshot ??= this.build();
    return this.snapshot;
  };

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  invalidate(): void {
    this.snapshot = null;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
