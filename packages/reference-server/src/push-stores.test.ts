// The Web Push subscription stores, one contract for the three: SQLite (one server), Redis (a
// cluster without a database) and PostgreSQL (SYNAPSE_DATABASE_URL, migration 3). Real Redis and
// PostgreSQL, started by the test helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { usePostgres, useRedis } from '@synapse-calling/test-utils/server';
import { openPostgres } from './stores/postgres/open-postgres';
import { RedisPushSubscriptions } from './stores/redis-push-subscriptions';
import { openDatabase } from './stores/sqlite';
import { SqlitePushSubscriptions } from './stores/sqlite-push-subscriptions';
import type { PushSubscriptionRecord, PushSubscriptionStore } from './stores/types';

const postgres = usePostgres();
const redis = useRedis();
const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const backends: Array<{ name: string; open(): Promise<PushSubscriptionStore> }> = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'synapse-push-'));
      const db = openDatabase(dir);
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      cleanup.push(() => void db.close());
      return new SqlitePushSubscriptions(() => db);
    },
  },
  {
    name: 'Redis',
    open: async () => {
      const client = new Redis(redis.url);
      cleanup.push(() => client.quit());
      return new RedisPushSubscriptions(client, redis.prefix());
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const stores = await openPostgres(
        { url: await postgres.createDatabase() },
        pino({ level: 'silent' }),
      );
      cleanup.push(() => stores.close());
      return stores.push;
    },
  },
];

const record = (userId: string, endpoint: string, createdAt: number): PushSubscriptionRecord => ({
  tenant: 'acme',
  userId,
  endpoint: `https://push.example/${endpoint}`,
  keys: { p256dh: `p-${endpoint}`, auth: `a-${endpoint}` },
  serverUrl: 'https://calls.example',
  openUrl: endpoint === 'phone' ? null : 'https://crm.example/inbox',
  lang: endpoint === 'phone' ? null : 'de',
  createdAt,
});

describe.each(backends)('push subscriptions on $name', (backend) => {
  it('keeps each browser once, newest first, dropping the oldest beyond the limit', async () => {
    const store = await backend.open();
    expect(await store.hasAny('acme', 'carol')).toBe(false);
    await store.save(record('carol', 'phone', 1_000), 2);
    await store.save(record('carol', 'laptop', 2_000), 2);
    // The phone registers again: one row, refreshed, now the newest.
    await store.save({ ...record('carol', 'phone', 3_000), lang: 'fr' }, 2);
    expect(await store.forUser('acme', 'carol')).toEqual([
      { ...record('carol', 'phone', 3_000), lang: 'fr' },
      record('carol', 'laptop', 2_000),
    ]);
    // A third browser: the oldest (the laptop) goes.
    await store.save(record('carol', 'tablet', 4_000), 2);
    expect((await store.forUser('acme', 'carol')).map((r) => r.endpoint)).toEqual([
      'https://push.example/tablet',
      'https://push.example/phone',
    ]);
  });

  it('removes one browser; other users and tenants are untouched', async () => {
    const store = await backend.open();
    await store.save(record('carol', 'phone', 1_000), 5);
    await store.save(record('dave', 'phone', 1_000), 5);
    await store.save({ ...record('carol', 'phone', 1_000), tenant: 'globex' }, 5);
    expect(await store.remove('acme', 'carol', 'https://push.example/phone')).toBe(true);
    expect(await store.remove('acme', 'carol', 'https://push.example/phone')).toBe(false);
    expect(await store.hasAny('acme', 'carol')).toBe(false);
    expect(await store.forUser('acme', 'carol')).toEqual([]);
    expect(await store.hasAny('acme', 'dave')).toBe(true);
    expect(await store.hasAny('globex', 'carol')).toBe(true);
  });
});
