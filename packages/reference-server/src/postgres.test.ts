import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  agent,
  connectRegistered,
  ringCall,
  usePostgres,
  type TestServer,
  type TestServerOptions,
} from '@synapse-calling/test-utils/server';
import { startTestServer, emitAck, useRedis } from '@synapse-calling/test-utils/server';
import { registerPush, startPushService } from '@synapse-calling/test-utils/push';
import { migrate } from './stores/postgres/migrate';
import { MIGRATIONS } from './stores/postgres/migrations';
import { openPostgres } from './stores/postgres/open-postgres';
import { LIST_FOR_USER } from './stores/postgres/postgres-call-log';

const postgres = usePostgres();
const redis = useRedis();
const logger = pino({ level: 'silent' });
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function pool(url: string): Promise<pg.Pool> {
  const p = new pg.Pool({ connectionString: url, max: 2 });
  cleanup.push(() => p.end());
  return p;
}

describe('PostgreSQL migrations', () => {
  it('run once when several nodes start at the same moment, and a later step is one more entry', async () => {
    const url = await postgres.createDatabase();
    const nodes = await Promise.all(
      Array.from({ length: 6 }, () => openPostgres({ url, poolSize: 2 }, logger)),
    );
    for (const node of nodes) cleanup.push(() => node.close());
    const db = await pool(url);
    const versions = await db.query<{ version: number }>(
      'SELECT version FROM synapse_migrations ORDER BY version',
    );
    expect(versions.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));

    // A store that lands later appends its table; four nodes upgrading at once apply it once.
    const next = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'push subscriptions (example)',
        sql: 'CREATE TABLE synapse_example (id TEXT PRIMARY KEY)',
      },
    ];
    const pools = await Promise.all(Array.from({ length: 4 }, () => pool(url)));
    const ran = await Promise.all(pools.map((p) => migrate(p, logger, next)));
    expect(ran.flat()).toEqual([MIGRATIONS.length + 1]);
    expect(await migrate(pools[0]!, logger, next)).toEqual([]);
    await expect(
      migrate(pools[0]!, logger, [{ version: 2, name: 'out of order', sql: 'SELECT 1' }]),
    ).rejects.toThrow(/migration versions must be 1, 2, 3/);
  });

  it('serves a user’s history from the indexes, not a scan of every call', async () => {
    const url = await postgres.createDatabase();
    const node = await openPostgres({ url }, logger);
    cleanup.push(() => node.close());
    const db = await pool(url);
    // 20,000 calls among 1,000 users: enough that a sequential scan would be the planner's
    // last choice if the indexes fit the query.
    await db.query(`
      INSERT INTO synapse_calls (id, tenant, from_id, from_name, from_role, to_id, to_name,
        to_role, state, media, created_at)
      SELECT 'c' || i, 'acme', 'u' || (i % 1000), 'n', 'agent', 'u' || ((i * 7) % 1000), 'n',
        'agent', 'ended', 'p2p', 1700000000000 + i
      FROM generate_series(1, 20000) AS i`);
    await db.query('ANALYZE synapse_calls');
    for (const cursor of [
      [null, null],
      [1700000010000, 10000],
    ]) {
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${LIST_FOR_USER}`, [
        'acme',
        'u42',
        21,
        ...cursor,
      ]);
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toMatch(/synapse_calls_from/);
      expect(text).toMatch(/synapse_calls_to/);
      expect(text).not.toMatch(/Seq Scan/);
    }
    const page = await node.callLog.listForUser('acme', 'u42', { limit: 5 });
    expect(page.entries).toHaveLength(5);
    expect(page.entries.map((e) => e.call.createdAt)).toEqual(
      [...page.entries.map((e) => e.call.createdAt)].sort((a, b) => b - a),
    );
  });
});

/** Two nodes on one Redis and one fresh database, with `extra` options; the database's URL. */
async function twoNodes(extra: Partial<TestServerOptions> = {}) {
  const url = await postgres.createDatabase();
  const options = { redis: { url: redis.url, keyPrefix: redis.prefix() }, database: { url } };
  const a = await startTestServer({ ...options, ...extra });
  cleanup.push(() => a.close());
  const b = await startTestServer({ ...options, ...extra });
  cleanup.push(() => b.close());
  return { a, b, url };
}

/** alice on node a calls bob on node b, and bob answers. */
async function answeredCall(a: TestServer, b: TestServer) {
  const alice = await connectRegistered(a, agent('alice'));
  const bob = await connectRegistered(b, agent('bob'));
  const call = await ringCall(alice, bob, 'bob');
  await emitAck(bob, 'accept-call', { callId: call.id });
  return { alice, bob, call };
}

describe('PostgreSQL with Redis', () => {
  it('keeps the call log and lastSeen in PostgreSQL while presence and calls are shared in Redis', async () => {
    const { a, b, url } = await twoNodes();
    const { alice, call } = await answeredCall(a, b);
    await emitAck(alice, 'end-call', { callId: call.id });
    const db = await pool(url);
    const rows = await db.query('SELECT state, end_reason FROM synapse_calls WHERE id = $1', [
      call.id,
    ]);
    expect(rows.rows).toEqual([{ state: 'ended', end_reason: 'completed' }]);
    const users = await db.query('SELECT user_id FROM synapse_users ORDER BY user_id');
    expect(users.rows.map((r: { user_id: string }) => r.user_id)).toEqual(['alice', 'bob']);
    // Both nodes read the same history.
    const fromB = await b.synapse.stores.callLog.listForUser('acme', 'alice', { limit: 10 });
    expect(fromB.entries.map((e) => e.call.id)).toEqual([call.id]);
  });

  it('keeps Web Push subscriptions in PostgreSQL: a browser registered on one node is on every node', async () => {
    const service = await startPushService();
    cleanup.push(() => service.close());
    const { a, b, url } = await twoNodes({ push: { allowedEndpoints: [service.origin] } });
    const carol = agent('carol');
    const phone = service.subscribe();
    expect(await registerPush(a.url, await a.mintToken(carol), phone)).toBe(204);
    const db = await pool(url);
    const rows = await db.query('SELECT user_id, endpoint FROM synapse_push_subscriptions');
    expect(rows.rows).toEqual([{ user_id: 'carol', endpoint: phone.json.endpoint }]);
    expect(await b.synapse.stores.push.hasAny('acme', 'carol')).toBe(true);
  });

  it('keeps recording metadata in PostgreSQL: a recording started on one node is known to every node', async () => {
    const { a, b, url } = await twoNodes({ recording: {} });
    const { alice, call } = await answeredCall(a, b);
    const started = await emitAck(alice, 'start-recording', { callId: call.id });
    expect(started).toMatchObject({ ok: true, recording: { status: 'recording' } });
    const db = await pool(url);
    const rows = await db.query('SELECT call_id, status FROM synapse_recordings');
    expect(rows.rows).toEqual([{ call_id: call.id, status: 'recording' }]);
    // The other node answers bob's history with the recording on the call.
    const res = await fetch(`${b.url}/api/calls`, {
      headers: { authorization: `Bearer ${await b.mintToken(agent('bob'))}` },
    });
    const { calls } = (await res.json()) as { calls: Array<{ id: string; recording?: unknown }> };
    expect(calls.find((c) => c.id === call.id)?.recording).toMatchObject({
      status: 'recording',
      startedBy: 'alice',
    });
  });
});
