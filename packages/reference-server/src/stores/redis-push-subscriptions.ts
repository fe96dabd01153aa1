import type { Redis } from 'ioredis';
import { userKey } from './keys';
import type { PushSubscriptionRecord, PushSubscriptionStore } from './types';

/**
 * Web Push subscriptions in Redis, shared by every node: one hash per user, endpoint → record.
 * Whichever node places a call pushes to all of the callee's browsers.
 */
export class RedisPushSubscriptions implements PushSubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'synapse:',
  ) {}

  private key = (tenant: string, userId: string) => `${this.prefix}push:${userKey(tenant, userId)}`;

  async save(record: PushSubscriptionRecord, maxPerUser: number): Promise<void> {
    const key = this.key(record.tenant, record.userId);
    await this.redis.hset(key, record.endpoint, JSON.stringify(record));
    if ((await this.redis.hlen(key)) <= maxPerUser) return;
    const extra = (await this.forUser(record.tenant, record.userId)).slice(maxPerUser);
    if (extra.length > 0) await this.redis.hdel(key, ...extra.map((r) => r.endpoint));
  }

  async remove(tenant: string, userId: string, endpoint: string): Promise<boolean> {
    return (await this.redis.hdel(this.key(tenant, userId), endpoint)) > 0;
  }

  async hasAny(tenant: string, userId: string): Promise<boolean> {
    return (await this.redis.hlen(this.key(tenant, userId))) > 0;
  }

  async forUser(tenant: string, userId: string): Promise<PushSubscriptionRecord[]> {
    const all = await this.redis.hvals(this.key(tenant, userId));
    return all
      .map((raw) => JSON.parse(raw) as PushSubscriptionRecord)
      .sort((a, b) => b.createdAt - a.createdAt);
  }
}
