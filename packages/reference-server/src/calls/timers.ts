/** Named one-shot timers, so a call's ring and grace timers can be found and cancelled. */
export class Timers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  set(key: string, ms: number, fn: () => void): void {
    this.clear(key);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      fn();
    }, ms);
    // Timers never keep the process alive on their own; shutdown does not wait for a ring.
    timer.unref();
    this.timers.set(key, timer);
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }

  clear(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  /** Clears every timer whose key starts with `prefix` (all timers of one call). */
  clearPrefix(prefix: string): void {
    for (const key of [...this.timers.keys()]) if (key.startsWith(prefix)) this.clear(key);
  }

  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * Keys of the per-call timers. All start with `<callId>|`, so ending a call stops every timer it
 * had (ring, reconnect grace, LiveKit room grace) with one `clearPrefix(timerKeys.call(id))`.
 */
export const timerKeys = {
  call: (callId: string) => `${callId}|`,
  ring: (callId: string) => `${callId}|ring`,
  grace: (callId: string, userId: string) => `${callId}|grace|${userId}`,
  room: (callId: string, userId: string) => `${callId}|room|${userId}`,
};
