import type { Redis } from 'ioredis';
import type { Line } from '@synapse-calling/protocol';
import { userKey } from '../stores/keys';

/**
 * The tenants' lines and each member's "taking calls" switch. In process memory on one node
 * (`MemoryLineStore`), in Redis with several (`RedisLineStore`), so an admin change or an agent's
 * pause made through one node holds on all of them.
 */
export interface LineStore {
  list(tenant: string): Promise<Line[]>;
  get(tenant: string, lineId: string): Promise<Line | undefined>;
  /** Creates or replaces the line `line.id`. */
  put(tenant: string, line: Line): Promise<void>;
  /** Removes the line; false when there was none. */
  remove(tenant: string, lineId: string): Promise<boolean>;
  /** An agent pauses (`false`) or resumes (`true`) taking the line's calls. */
  setTakingCalls(tenant: string, lineId: string, userId: string, taking: boolean): Promise<void>;
  /** Members who paused the line. */
  paused(tenant: string, lineId: string): Promise<Set<string>>;
}

const lineKey = (tenant: string, lineId: string) => userKey(tenant, lineId);

export class MemoryLineStore implements LineStore {
  private readonly lines = new Map<string, Map<string, Line>>();
  private readonly pausedBy = new Map<string, Set<string>>();

  async list(tenant: string): Promise<Line[]> {
    return [...(this.lines.get(tenant)?.values() ?? [])].map((l) => structuredClone(l));
  }

  async get(tenant: string, lineId: string): Promise<Line | undefined> {
    const line = this.lines.get(tenant)?.get(lineId);
    return line && structuredClone(line);
  }

  async put(tenant: string, line: Line): Promise<void> {
    let lines = this.lines.get(tenant);
    if (!lines) this.lines.set(tenant, (lines = new Map()));
    lines.set(line.id, structuredClone(line));
  }

  async remove(tenant: string, lineId: string): Promise<boolean> {
    this.pausedBy.delete(lineKey(tenant, lineId));
    return this.lines.get(tenant)?.delete(lineId) ?? false;
  }

  async setTakingCalls(
    tenant: string,
    lineId: string,
    userId: string,
    taking: boolean,
  ): Promise<void> {
    const key = lineKey(tenant, lineId);
    let paused = this.pausedBy.get(key);
    if (!paused) this.pausedBy.set(key, (paused = new Set()));
    if (taking) paused.delete(userId);
    else paused.add(userId);
  }

  async paused(tenant: string, lineId: string): Promise<Set<string>> {
    return new Set(this.pausedBy.get(lineKey(tenant, lineId)));
  }
}

/** Lines as one hash per tenant (line id → JSON), pauses as one set per line. */
export class RedisLineStore implements LineStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'synapse:',
  ) {}

  private hash = (tenant: string) => `${this.prefix}lines:${encodeURIComponent(tenant)}`;
  private pausedKey = (tenant: string, lineId: string) =>
    `${this.prefix}line-paused:${lineKey(tenant, lineId)}`;

  async list(tenant: string): Promise<Line[]> {
    const all = await this.redis.hvals(this.hash(tenant));
    return all.map((raw) => JSON.parse(raw) as Line).sort((a, b) => a.id.localeCompare(b.id));
  }

  async get(tenant: string, lineId: string): Promise<Line | undefined> {
    const raw = await this.redis.hget(this.hash(tenant), lineId);
    return raw ? (JSON.parse(raw) as Line) : undefined;
  }

  async put(tenant: string, line: Line): Promise<void> {
    await this.redis.hset(this.hash(tenant), line.id, JSON.stringify(line));
  }

  async remove(tenant: string, lineId: string): Promise<boolean> {
    const [[, removed]] = (await this.redis
      .multi()
      .hdel(this.hash(tenant), lineId)
      .del(this.pausedKey(tenant, lineId))
      .exec()) as [[unknown, number], [unknown, number]];
    return removed === 1;
  }

  async setTakingCalls(
    tenant: string,
    lineId: string,
    userId: string,
    taking: boolean,
  ): Promise<void> {
    const key = this.pausedKey(tenant, lineId);
    await (taking ? this.redis.srem(key, userId) : this.redis.sadd(key, userId));
  }

  async paused(tenant: string, lineId: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.pausedKey(tenant, lineId)));
  }
}
