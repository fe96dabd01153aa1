// The Web Push subscription stores and the recording metadata indexes, one contract each for the
// three places they live: SQLite (one server), Redis (a cluster without a database) and
// PostgreSQL (SYNAPSE_DATABASE_URL; migrations 4 and 5). Real Redis and PostgreSQL, started by
// the test helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallRecording } from '@synapse-calling/protocol';
import { usePostgres, useRedis } from '@synapse-calling/test-utils/server';
import { RedisRecordingIndex } from './recording/redis-recording-index';
import { SqliteRecordingIndex } from './recording/sqlite-recording-index';
import { openPostgres } from './stores/postgres/open-postgres';
import { RedisPushSubscriptions } from './stores/redis-push-subscriptions';
import { openDatabase } from './stores/sqlite';
import { SqlitePushSubscriptions } from './stores/sqlite-push-subscriptions';
import type {
  PushSubscriptionRecord,
  PushSubscriptionStore,
  RecordingIndex,
  RecordingRow,
} from './stores/types';

const postgres = usePostgres();
const redis = useRedis();
const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface SideStores {
  push: PushSubscriptionStore;
  recordings: RecordingIndex;
}

const backends: Array<{ name: string; open(): Promise<SideStores> }> = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'synapse-side-stores-'));
      const db = openDatabase(dir);
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      cleanup.push(() => void db.close());
      return {
        push: new SqlitePushSubscriptions(() => db),
        recordings: new SqliteRecordingIndex(db),
      };
    },
  },
  {
    name: 'Redis',
    open: async () => {
      const client = new Redis(redis.url);
      cleanup.push(() => client.quit());
      const prefix = redis.prefix();
      return {
        push: new RedisPushSubscriptions(client, prefix),
        recordings: new RedisRecordingIndex(client, prefix),
      };
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
      return stores;
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
    const store = (await backend.open()).push;
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
    const store = (await backend.open()).push;
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

const row = (callId: string, recording: CallRecording): RecordingRow => ({
  callId,
  tenant: 'acme',
  parties: ['alice', 'carol'],
  media: 'p2p',
  recording,
});
const recording = (startedAt: number): CallRecording => ({
  status: 'recording',
  startedBy: 'alice',
  uploader: 'alice',
  startedAt,
});
const stopped = (startedAt: number, stoppedAt: number): CallRecording => ({
  ...recording(startedAt),
  status: 'stopped',
  stoppedBy: 'alice',
  stoppedAt,
});

describe.each(backends)('recording metadata on $name', (backend) => {
  it('keeps one row per call, replaced as the recording goes on', async () => {
    const index = (await backend.open()).recordings;
    expect(await index.get('c1')).toBeUndefined();
    await index.put(row('c1', recording(1_000)));
    expect(await index.get('c1')).toEqual(row('c1', recording(1_000)));
    await index.put(row('c1', stopped(1_000, 5_000)));
    expect(await index.get('c1')).toEqual(row('c1', stopped(1_000, 5_000)));
    await index.put(row('c2', recording(2_000)));
    const many = await index.getMany(['c1', 'c2', 'none']);
    expect([...many.keys()].sort()).toEqual(['c1', 'c2']);
    expect(many.get('c2')).toEqual(row('c2', recording(2_000)));
    expect(await index.getMany([])).toEqual(new Map());
  });

  it('lists the unfinished, and the finished by stop time for retention; deletes', async () => {
    const index = (await backend.open()).recordings;
    await index.put(row('live', recording(1_000)));
    await index.put(row('late', stopped(1_000, 9_000)));
    await index.put(row('early', stopped(1_000, 3_000)));
    await index.put(row('middle', stopped(1_000, 6_000)));
    expect((await index.listUnfinished()).map((r) => r.callId)).toEqual(['live']);
    const due = await index.listStoppedBefore(8_000, 10);
    expect(due.map((r) => r.callId)).toEqual(['early', 'middle']);
    expect((await index.listStoppedBefore(8_000, 1)).map((r) => r.callId)).toEqual(['early']);
    await index.delete('early');
    await index.delete('live');
    expect(await index.get('early')).toBeUndefined();
    expect(await index.listUnfinished()).toEqual([]);
    expect((await index.listStoppedBefore(10_000, 10)).map((r) => r.callId)).toEqual([
      'middle',
      'late',
    ]);
  });
});
