import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallInfo, Presence } from '@synapse-calling/protocol';
import {
  agent,
  waitFor,
  connectRegistered,
  startRedis,
  type TestRedis,
  emitAck,
  recordEvents,
  startTestServer,
  waitForEvent,
  type TestClient,
  type TestServer,
  type TestServerOptions,
} from '@synapse-calling/test-utils/server';

let redis: TestRedis;
let nodes: TestServer[] = [];
let a: TestServer;
let b: TestServer;
let run = 0;
let prefix = '';

/** Another node of the same cluster (same Redis, same key prefix), on its own port. */
async function startNode(options: TestServerOptions = {}): Promise<TestServer> {
  const node = await startTestServer({
    redis: { url: redis.url, keyPrefix: prefix },
    presenceGraceMs: 200,
    ringTimeoutMs: 20_000,
    ...options,
  });
  nodes.push(node);
  return node;
}

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
beforeEach(async () => {
  // A fresh key space per test: nothing one test leaves behind reaches the next.
  prefix = `t${++run}:`;
  a = await startNode();
  b = await startNode();
});
afterEach(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  nodes = [];
});

async function subscribe(client: TestClient, userIds: string[]): Promise<Presence[]> {
  const ack = await emitAck(client, 'subscribe-presence', { userIds });
  if (!ack.ok) throw new Error(ack.error.code);
  return ack.presence;
}

const about = (userId: string, status?: string) => (p: { presence: Presence }) =>
  p.presence.userId === userId && (status === undefined || p.presence.status === status);

async function ring(caller: TestClient, to: string, callees: TestClient[]): Promise<CallInfo> {
  const incoming = callees.map((c) => waitForEvent(c, 'incoming-call'));
  const ack = await emitAck(caller, 'initiate-call', { to });
  if (!ack.ok) throw new Error(`initiate failed: ${ack.error.code}`);
  for (const { call } of await Promise.all(incoming)) expect(call.id).toBe(ack.call.id);
  return ack.call;
}

async function history(node: TestServer, sub: string): Promise<CallInfo[]> {
  const token = await node.mintToken(agent(sub));
  const res = await fetch(`${node.url}/api/calls`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { calls: CallInfo[] }).calls;
}

describe('several nodes sharing one Redis', () => {
  it('presence of a user on node A reaches a subscriber on node B: snapshot, then diffs', async () => {
    const watcher = await b.connect(agent('watcher'));
    expect(await subscribe(watcher, ['bob'])).toMatchObject([{ userId: 'bob', status: 'offline' }]);

    const online = waitForEvent(watcher, 'presence-changed', { filter: about('bob') });
    const bob = await connectRegistered(a, agent('bob'));
    expect((await online).presence.status).toBe('online');

    const dnd = waitForEvent(watcher, 'presence-changed', { filter: about('bob', 'dnd') });
    expect(await emitAck(bob, 'set-status', { status: 'dnd' })).toMatchObject({ ok: true });
    await dnd;
    // A new subscriber on B gets what A decided as its snapshot.
    const late = await b.connect(agent('late'));
    expect(await subscribe(late, ['bob'])).toMatchObject([{ userId: 'bob', status: 'dnd' }]);

    const offline = waitForEvent(watcher, 'presence-changed', { filter: about('bob', 'offline') });
    bob.close();
    expect((await offline).presence.lastSeen).toEqual(expect.any(Number));
  });

  it('rings the callee on both nodes; the first accept wins, the other tab is answered elsewhere', async () => {
    const alice = await connectRegistered(a, agent('alice'));
    const bobOnA = await connectRegistered(a, agent('bob'));
    const bobOnB = await connectRegistered(b, agent('bob'));
    const call = await ring(alice, 'bob', [bobOnA, bobOnB]);

    const accepted = waitForEvent(alice, 'call-accepted');
    const elsewhereA = recordEvents(bobOnA, ['call-answered-elsewhere']);
    const elsewhereB = recordEvents(bobOnB, ['call-answered-elsewhere']);
    const acks = await Promise.all([
      emitAck(bobOnA, 'accept-call', { callId: call.id }),
      emitAck(bobOnB, 'accept-call', { callId: call.id }),
    ]);
    expect(acks.filter((ack) => ack.ok)).toHaveLength(1);
    expect(acks.find((ack) => !ack.ok)).toMatchObject({ error: { code: 'invalid-state' } });
    expect((await accepted).call.state).toBe('active');

    // Only the losing tab is told; the winner is excluded from that fan-out.
    const [winnerEvents, loserEvents] = acks[0].ok
      ? [elsewhereA, elsewhereB]
      : [elsewhereB, elsewhereA];
    await waitFor(() => loserEvents.length > 0, { what: 'call-answered-elsewhere' });
    expect(loserEvents).toEqual([{ name: 'call-answered-elsewhere', payload: expect.anything() }]);
    expect((loserEvents[0].payload as { call: CallInfo }).call.id).toBe(call.id);
    expect(winnerEvents).toEqual([]);
  });

  it('relays P2P media signals across nodes, ends for both, and both histories show the call', async () => {
    const alice = await connectRegistered(a, agent('alice'));
    const bob = await connectRegistered(b, agent('bob'));
    const call = await ring(alice, 'bob', [bob]);
    expect(await emitAck(bob, 'accept-call', { callId: call.id })).toMatchObject({ ok: true });

    const offer = { type: 'description', description: { type: 'offer', sdp: 'v=0 a' } } as const;
    const atBob = waitForEvent(bob, 'media-signal');
    expect(await emitAck(alice, 'media-signal', { callId: call.id, signal: offer })).toEqual({
      ok: true,
    });
    expect(await atBob).toEqual({ callId: call.id, signal: offer });
    const answer = { type: 'description', description: { type: 'answer', sdp: 'v=0 b' } } as const;
    const atAlice = waitForEvent(alice, 'media-signal');
    await emitAck(bob, 'media-signal', { callId: call.id, signal: answer });
    expect((await atAlice).signal).toEqual(answer);

    const endedForBob = waitForEvent(bob, 'call-ended');
    expect(await emitAck(alice, 'end-call', { callId: call.id })).toMatchObject({ ok: true });
    expect((await endedForBob).call).toMatchObject({ endReason: 'completed', endedBy: 'alice' });

    for (const node of [a, b]) {
      for (const user of ['alice', 'bob']) {
        const [latest] = await history(node, user);
        expect(latest).toMatchObject({ id: call.id, state: 'ended', endReason: 'completed' });
      }
    }
  });

  it('answers busy when the callee is in a call carried by another node', async () => {
    const alice = await connectRegistered(a, agent('alice'));
    const bob = await connectRegistered(b, agent('bob'));
    const carol = await b.connect(agent('carol'));
    const call = await ring(alice, 'bob', [bob]);
    await emitAck(bob, 'accept-call', { callId: call.id });

    expect(await emitAck(carol, 'initiate-call', { to: 'alice' })).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });
    expect(await subscribe(carol, ['alice', 'bob'])).toMatchObject([
      { userId: 'alice', status: 'busy' },
      { userId: 'bob', status: 'busy' },
    ]);
    const [logged] = await history(a, 'carol');
    expect(logged).toMatchObject({ state: 'ended', endReason: 'busy', to: { id: 'alice' } });
  });

  it('keeps tenants apart across nodes', async () => {
    const colleague = await b.connect(agent('colleague'));
    const mallory = await b.connect(agent('mallory', 'evil'));
    expect(await subscribe(mallory, ['bob'])).toMatchObject([{ status: 'offline' }]);
    await subscribe(colleague, ['bob']);
    const mallorySaw = recordEvents(mallory, ['presence-changed', 'incoming-call']);

    const online = waitForEvent(colleague, 'presence-changed', { filter: about('bob') });
    const bob = await connectRegistered(a, agent('bob'));
    await online;
    expect(await emitAck(mallory, 'initiate-call', { to: 'bob' })).toMatchObject({
      ok: false,
      error: { code: 'offline' },
    });
    // A call inside acme, fanned out through Redis, reaches nobody in evil.
    const alice = await connectRegistered(b, agent('alice'));
    await ring(alice, 'bob', [bob]);
    expect(await subscribe(mallory, ['bob'])).toMatchObject([{ status: 'offline' }]);
    expect(mallorySaw).toEqual([]);
  });

  it('pages the shared call log newest first, from any node', async () => {
    const alice = await connectRegistered(a, agent('alice'));
    const bob = await connectRegistered(b, agent('bob'));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const call = await ring(alice, 'bob', [bob]);
      await emitAck(alice, 'end-call', { callId: call.id });
      ids.push(call.id);
    }
    const token = await b.mintToken(agent('bob'));
    const get = async (query: string) => {
      const res = await fetch(`${b.url}/api/calls${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const first = await get('?limit=2');
    const firstBody = first.body as { calls: CallInfo[]; nextCursor: string };
    expect(firstBody.calls.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    expect(firstBody.nextCursor).toEqual(expect.any(String));
    const second = await get(`?limit=2&cursor=${encodeURIComponent(firstBody.nextCursor)}`);
    expect(second.body).toMatchObject({ calls: [{ id: ids[0] }], nextCursor: null });
    expect(await get('?cursor=bm90LWEtY3Vyc29y')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid-payload' } },
    });
  });

  it('a node that starts later leaves the calls another node carries alone', async () => {
    const alice = await connectRegistered(a, agent('alice'));
    const bob = await connectRegistered(b, agent('bob'));
    const call = await ring(alice, 'bob', [bob]);
    await emitAck(bob, 'accept-call', { callId: call.id });

    const c = await startNode();
    const signal = { type: 'candidate', candidate: null } as const;
    const atAlice = waitForEvent(alice, 'media-signal');
    expect(await emitAck(bob, 'media-signal', { callId: call.id, signal })).toEqual({ ok: true });
    await atAlice;
    const [row] = await history(c, 'bob');
    expect(row).toMatchObject({ id: call.id, state: 'active' });
  });
});
