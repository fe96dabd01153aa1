import { describe, expect, it } from 'vitest';
import type { Presence } from '@synapse-calling/protocol';
import {
  agent,
  connectRegistered,
  customer,
  emitAck,
  useRedis,
  recordEvents,
  useTestServer,
  useTestServers,
  waitForEvent,
  type TestClient,
  type TestServer,
} from '@synapse-calling/test-utils/server';
import type { PolicyParty } from '../options';

const NEVER_SEEN = { status: 'offline', lastSeen: null };

async function subscribe(client: TestClient, userIds: string[]): Promise<Presence[]> {
  const ack = await emitAck(client, 'subscribe-presence', { userIds });
  if (!ack.ok) throw new Error(ack.error.code);
  return ack.presence;
}

async function restPresence(
  server: TestServer,
  claims: Parameters<TestServer['mintToken']>[0],
  ids: string[],
) {
  const token = await server.mintToken(claims);
  const res = await fetch(`${server.url}/api/presence?userIds=${ids.join(',')}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { presence: Presence[] }).presence;
}

describe('a customer probing ids in their tenant', () => {
  const server = useTestServer({ presenceGraceMs: 50 });

  /** Known customers (one online, one seen before), a known agent, and nobody called ghost. */
  async function population() {
    const online = await server.connect(customer('cust-online'));
    const gone = await server.connect(customer('cust-gone'));
    const agentGone = await server.connect(agent('agent-gone'));
    const watcher = await server.connect(agent('barrier'));
    await subscribe(watcher, ['cust-gone', 'agent-gone']);
    const offline = Promise.all(
      ['cust-gone', 'agent-gone'].map((id) =>
        waitForEvent(watcher, 'presence-changed', {
          filter: (p) => p.presence.userId === id && p.presence.status === 'offline',
        }),
      ),
    );
    gone.close();
    agentGone.close();
    await offline;
    return { online };
  }

  it('gets the same answer calling an unknown id as calling another customer', async () => {
    await population();
    const mallory = await server.connect(customer('mallory'));
    const answers = await Promise.all(
      ['ghost', 'cust-online', 'cust-gone'].map((to) => emitAck(mallory, 'initiate-call', { to })),
    );
    const [unknown, ...customers] = answers;
    expect(unknown).toMatchObject({ ok: false, error: { code: 'offline' } });
    for (const answer of customers) expect(answer).toEqual(unknown);
  });

  it('sees other customers exactly like unknown ids, agents as they are', async () => {
    await population();
    const mallory = await server.connect(customer('mallory'));
    const ids = ['ghost', 'cust-online', 'cust-gone', 'agent-gone', 'barrier'];
    const expected = [
      { userId: 'ghost', ...NEVER_SEEN },
      { userId: 'cust-online', ...NEVER_SEEN },
      { userId: 'cust-gone', ...NEVER_SEEN },
      { userId: 'agent-gone', status: 'offline', lastSeen: expect.any(Number) },
      { userId: 'barrier', status: 'online', lastSeen: expect.any(Number) },
    ];
    expect(await subscribe(mallory, ids)).toEqual(expected);
    expect(await restPresence(server, customer('mallory'), ids)).toEqual(expected);
    const synced = await emitAck(mallory, 'sync', {});
    expect(synced).toMatchObject({ ok: true });
    if (synced.ok) {
      expect(synced.presence.filter((p) => p.userId !== 'mallory')).toEqual(expected);
    }
  });

  it('gets no presence changes of customers, while an agent watching them does', async () => {
    const { online } = await population();
    const mallory = await server.connect(customer('mallory'));
    const staff = await server.connect(agent('staff'));
    await subscribe(mallory, ['cust-online', 'agent-x']);
    expect(await subscribe(staff, ['cust-online'])).toEqual([
      { userId: 'cust-online', status: 'online', lastSeen: expect.any(Number) },
    ]);
    const seen = recordEvents(mallory, ['presence-changed']);
    const staffSaw = waitForEvent(staff, 'presence-changed');
    await emitAck(online, 'set-status', { status: 'dnd' });
    expect((await staffSaw).presence).toMatchObject({ userId: 'cust-online', status: 'dnd' });
    // An agent appearing is the barrier: its change arrives after any leak would have.
    const barrier = waitForEvent(mallory, 'presence-changed');
    await server.connect(agent('agent-x'));
    expect((await barrier).presence).toMatchObject({ userId: 'agent-x', status: 'online' });
    expect(seen.map((e) => (e.payload as { presence: Presence }).presence.userId)).toEqual([
      'agent-x',
    ]);
  });

  it('watching an id before anyone had it: told when an agent appears, never about a customer', async () => {
    const mallory = await server.connect(customer('mallory'));
    expect(await subscribe(mallory, ['future-agent', 'future-cust'])).toEqual([
      { userId: 'future-agent', ...NEVER_SEEN },
      { userId: 'future-cust', ...NEVER_SEEN },
    ]);
    const seen = recordEvents(mallory, ['presence-changed']);
    await server.connect(customer('future-cust'));
    const appeared = waitForEvent(mallory, 'presence-changed');
    await server.connect(agent('future-agent'));
    expect((await appeared).presence).toMatchObject({ userId: 'future-agent', status: 'online' });
    expect(seen.map((e) => (e.payload as { presence: Presence }).presence.userId)).toEqual([
      'future-agent',
    ]);
  });
});

describe('canWatch', () => {
  const start = useTestServers();

  it('is asked with both parties; a refused id looks never seen, over the socket and REST', async () => {
    const asked: Array<[PolicyParty, PolicyParty]> = [];
    const server = await start({
      canWatch: (watcher, target) => {
        asked.push([watcher, target]);
        return target.id !== 'vip';
      },
    });
    await server.connect(agent('vip', 'acme', 'Very Important'));
    await server.connect(agent('bob'));
    const alice = await server.connect(agent('alice', 'acme', 'Alice'));
    expect(await subscribe(alice, ['vip', 'bob', 'alice'])).toEqual([
      { userId: 'vip', ...NEVER_SEEN },
      { userId: 'bob', status: 'online', lastSeen: expect.any(Number) },
      // Everyone may see themselves; the hook is not asked.
      { userId: 'alice', status: 'online', lastSeen: expect.any(Number) },
    ]);
    expect(asked).toContainEqual([
      { id: 'alice', name: 'Alice', role: 'agent', tenant: 'acme' },
      { id: 'vip', name: 'Very Important', role: 'agent', tenant: 'acme' },
    ]);
    expect(asked.some(([, target]) => target.id === 'alice')).toBe(false);
    expect(await restPresence(server, agent('alice'), ['vip'])).toEqual([
      { userId: 'vip', ...NEVER_SEEN },
    ]);
  });

  it('a call refused by canCall answers offline unless the caller may watch the callee', async () => {
    const server = await start({
      canCall: () => false,
      canWatch: (_watcher, target) => target.id === 'visible',
    });
    await server.connect(agent('visible'));
    await server.connect(agent('hidden'));
    const alice = await server.connect(agent('alice'));
    expect(await emitAck(alice, 'initiate-call', { to: 'visible' })).toMatchObject({
      error: { code: 'forbidden' },
    });
    expect(await emitAck(alice, 'initiate-call', { to: 'hidden' })).toEqual(
      await emitAck(alice, 'initiate-call', { to: 'nobody' }),
    );
  });

  it('answers internal when the hook throws', async () => {
    const server = await start({
      canWatch: () => {
        throw new Error('policy database down');
      },
    });
    await server.connect(agent('bob'));
    const alice = await server.connect(agent('alice'));
    expect(await emitAck(alice, 'subscribe-presence', { userIds: ['bob'] })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect(await emitAck(alice, 'heartbeat', {})).toEqual({ ok: true });
  });
});

describe('several nodes', () => {
  const start = useTestServers();
  const redis = useRedis();

  it('a watcher on one node is told when an agent first appears on another, not a customer', async () => {
    const options = { redis: { url: redis.url, keyPrefix: redis.prefix() } };
    const [a, b] = [await start(options), await start(options)];
    const mallory = await b.connect(customer('mallory'));
    expect(await subscribe(mallory, ['new-agent', 'new-cust'])).toEqual([
      { userId: 'new-agent', ...NEVER_SEEN },
      { userId: 'new-cust', ...NEVER_SEEN },
    ]);
    const seen = recordEvents(mallory, ['presence-changed']);
    await connectRegistered(a, customer('new-cust'));
    const appeared = waitForEvent(mallory, 'presence-changed');
    await connectRegistered(a, agent('new-agent'));
    expect((await appeared).presence).toMatchObject({ userId: 'new-agent', status: 'online' });
    expect(seen.map((e) => (e.payload as { presence: Presence }).presence.userId)).toEqual([
      'new-agent',
    ]);
  });
});
