import type { Redis } from 'ioredis';

/**
 * "The first one wins, for a while": de-duplicating LiveKit webhook retries, and collapsing
 * repeated refused call attempts into one history row. Shared by every node in Redis mode, so a
 * retry that lands on another node is still recognised.
 */
export interface ClaimStore {
  /** True for the first claim of `key`; false while an earlier claim of it lasts (`ttlMs`). */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Forgets a claim, so that a retry of work that failed may claim it again. */
  release(key: string): Promise<void>;
}

/** One process's claims, bounded: beyond `maxEntries` the oldest are forgotten first. */
export class MemoryClaimStore implements ClaimStore {
  /** key → expiry (ms since the epoch); a Map iterates in insertion order, oldest first. */
  private readonly claims = new Map<string, number>();

  constructor(private readonly maxEntries = 10_000) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const until = this.claims.get(key);
    if (until !== undefined && until > now) return false;
    // Deleted first so that the renewed claim moves to the end (the newest).
    this.claims.delete(key);
    this.claims.set(key, now + ttlMs);
    if (this.claims.size > this.maxEntries) this.prune(now);
    return true;
  }

  async release(key: string): Promise<void> {
    this.claims.delete(key);
  }

  /** Drops expired claims, then the oldest, down to 90% so that pruning is not run per claim. */
  private prune(now: number): void {
    for (const [key, until] of this.claims) if (until <= now) this.claims.delete(key);
    const target = Math.floor(this.maxEntries * 0.9);
    for (const key of this.claims.keys()) {
      if (this.claims.size <= target) break;
      this.claims.delete(key);
    }
  }
}

/** Claims as Redis keys with a TTL: `SET … NX PX` is the atomic "first one wins". */
export class RedisClaimStore implements ClaimStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'synapse:',
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const set = await this.redis.set(this.key(key), '1', 'PX', Math.max(1, ttlMs), 'NX');
    return set === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  private key(key: string): string {
    return `${this.prefix}claim:${key}`;
  }
}
