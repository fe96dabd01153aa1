import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Presence } from '@synapse-calling/protocol';
import {
  agent,
  waitFor,
  connectRegistered,
  startRedis,
  type TestRedis,
  emitAck,
  startTestServer,
  waitForEvent,
  postLiveKitWebhook,
  startLiveKit,
  type TestServer,
  type TestServerOptions,
} from '@synapse-calling/test-utils/server';

let redis: TestRedis;
const nodes: TestServer[] = [];
let run = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  // The crashed node's close() fails on its dead Redis connections; only cleanup matters here.
  await Promise.all(nodes.splice(0).map((n) => n.close().catch(() => undefined)));
});

async function startNode(options: TestServerOptions = {}): Promise<TestServer> {
  const node = await startTestServer({
    redis: { url: redis.url, keyPrefix: `crash${run}:`, nodeTtlMs: 600 },
    presenceGraceMs: 200,
    reconnectGraceMs: 200,
    ...options,
  });
  nodes.push(node);
  return node;
}

beforeEach(() => {
  run++;
});

/**
 * A crash as the other nodes see it: the node stops talking to Redis (no heartbeat, no
 * clean-up of its entries) and its clients lose their connections.
 */
function crash(node: TestServer): void {
  // The Streams adapter's readers retry a failed read at once until their adapter is closed.
  for (const nsp of [node.synapse.namespace, node.synapse.io.sockets]) void nsp.adapter.close();
  for (const client of node.synapse.cluster?.clients ?? []) client.disconnect();
  node.httpServer.closeAllConnections();
}

it("a crashed node's users go offline and its calls end on the other node", async () => {
  const doomed = await startNode();
  const survivor = await startNode();

  const watcher = await survivor.connect(agent('watcher'));
  const alice = await survivor.connect(agent('alice'));
  const bob = await connectRegistered(doomed, agent('bob'));
  const ack = await emitAck(watcher, 'subscribe-presence', { userIds: ['bob'] });
  expect(ack).toMatchObject({ ok: true, presence: [{ userId: 'bob', status: 'online' }] });

  const incoming = waitForEvent(bob, 'incoming-call');
  const call = await emitAck(alice, 'initiate-call', { to: 'bob' });
  if (!call.ok) throw new Error(call.error.code);
  await incoming;
  expect(await emitAck(bob, 'accept-call', { callId: call.call.id })).toMatchObject({ ok: true });

  const offline = waitForEvent(watcher, 'presence-changed', {
    filter: (p: { presence: Presence }) =>
      p.presence.userId === 'bob' && p.presence.status === 'offline',
  });
  const ended = waitForEvent(alice, 'call-ended');
  crash(doomed);

  expect((await ended).call).toMatchObject({ id: call.call.id, endReason: 'disconnected' });
  expect((await offline).presence.lastSeen).toEqual(expect.any(Number));
  const again = await emitAck(watcher, 'subscribe-presence', { userIds: ['bob'] });
  expect(again).toMatchObject({ ok: true, presence: [{ userId: 'bob', status: 'offline' }] });
  // Alice is free again: calling bob now finds him offline rather than busy.
  expect(await emitAck(alice, 'initiate-call', { to: 'bob' })).toMatchObject({
    ok: false,
    error: { code: 'offline' },
  });
});

it('a call whose ring timer died with its node still ends missed, on another node', async () => {
  // A long reconnect grace, so the caller can take the call over from another node.
  const doomed = await startNode({ reconnectGraceMs: 20_000, ringTimeoutMs: 300 });
  const survivor = await startNode({ reconnectGraceMs: 20_000, ringTimeoutMs: 300 });
  const alice = await connectRegistered(doomed, agent('alice'));
  const bob = await connectRegistered(survivor, agent('bob'));
  const incoming = waitForEvent(bob, 'incoming-call');
  const placed = await emitAck(alice, 'initiate-call', { to: 'bob' });
  if (!placed.ok) throw new Error(placed.error.code);
  await incoming;
  crash(doomed);

  // Once the survivor swept alice's dead connection, her new tab there takes the call over.
  const registry = survivor.synapse.stores.registry;
  await waitFor(async () => (await registry.get(placed.call.id))?.sockets.caller === null, {
    what: "the sweep of alice's connection",
  });
  const aliceAgain = await survivor.connect(agent('alice'));
  const synced = await emitAck(aliceAgain, 'sync', {});
  expect(synced).toMatchObject({ ok: true, calls: [{ call: { id: placed.call.id } }] });
  expect((await registry.get(placed.call.id))?.sockets.caller).toBe(aliceAgain.id);

  const ended = waitForEvent(aliceAgain, 'call-ended');
  expect((await waitForEvent(bob, 'call-ended')).call.endReason).toBe('missed');
  expect((await ended).call.id).toBe(placed.call.id);
});

it('a node that closes gracefully leaves no ghosts: open grace windows end on another node', async () => {
  const leaving = await startNode({ presenceGraceMs: 300 });
  const staying = await startNode({ presenceGraceMs: 300 });
  const watcher = await staying.connect(agent('watcher'));
  const bob = await connectRegistered(leaving, agent('bob'));
  expect(await emitAck(watcher, 'subscribe-presence', { userIds: ['bob'] })).toMatchObject({
    presence: [{ status: 'online' }],
  });
  const offline = waitForEvent(watcher, 'presence-changed', {
    filter: (p: { presence: Presence }) => p.presence.status === 'offline',
  });
  // bob leaves; his node stops while his grace window (and its timer there) is still open.
  bob.close();
  await waitFor(
    async () => (await staying.synapse.stores.presence.connections('acme', 'bob')).length === 0,
    { what: "bob's connection to be removed" },
  );
  await leaving.close();
  expect((await offline).presence.userId).toBe('bob');
  // The watcher, connected to the other node, was not disconnected by that shutdown.
  expect(watcher.connected).toBe(true);
});

it('a call whose reconnect-grace timer died with its node ends on time on another node', async () => {
  const graceMs = 1_500;
  const doomed = await startNode({ reconnectGraceMs: graceMs });
  const survivor = await startNode({ reconnectGraceMs: graceMs });
  const alice = await connectRegistered(survivor, agent('alice'));
  const bob = await connectRegistered(doomed, agent('bob'));
  const incoming = waitForEvent(bob, 'incoming-call');
  const placed = await emitAck(alice, 'initiate-call', { to: 'bob' });
  if (!placed.ok) throw new Error(placed.error.code);
  await incoming;
  expect(await emitAck(bob, 'accept-call', { callId: placed.call.id })).toMatchObject({ ok: true });

  // bob's tab goes away; the doomed node starts his grace timer, then dies before it fires.
  const registry = survivor.synapse.stores.registry;
  const closedAt = Date.now();
  bob.close();
  await waitFor(async () => (await registry.get(placed.call.id))?.sockets.callee === null, {
    what: "bob's call to be released",
  });
  const record = await registry.get(placed.call.id);
  expect(record?.deadlines?.grace?.callee).toBeGreaterThanOrEqual(closedAt + graceMs);
  const ended = waitForEvent(alice, 'call-ended');
  crash(doomed);

  const { call } = await ended;
  expect(call).toMatchObject({ id: placed.call.id, endReason: 'disconnected', endedBy: 'bob' });
  // The deadline plus the slack (a third of the TTL) plus one heartbeat, with room for a busy
  // machine; without the stored deadline nobody would end it.
  expect(Date.now() - closedAt).toBeLessThan(graceMs + 400 + 3_000);
  const history = await survivor.synapse.stores.callLog.get(placed.call.id);
  expect(history?.call).toMatchObject({ state: 'ended', endReason: 'disconnected' });
});

it('a call whose LiveKit room timer died with its node ends on time on another node', async () => {
  const lk = await startLiveKit();
  try {
    const graceMs = 1_500;
    const livekit = {
      url: lk.wsUrl,
      apiUrl: lk.httpUrl,
      apiKey: lk.apiKey,
      apiSecret: lk.apiSecret,
    };
    const doomed = await startNode({ reconnectGraceMs: graceMs, livekit });
    const survivor = await startNode({ reconnectGraceMs: graceMs, livekit });
    const alice = await connectRegistered(survivor, agent('alice'));
    const bob = await connectRegistered(doomed, agent('bob'));
    const incoming = waitForEvent(bob, 'incoming-call');
    const placed = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!placed.ok) throw new Error(placed.error.code);
    await incoming;
    const accepted = await emitAck(bob, 'accept-call', { callId: placed.call.id });
    if (!accepted.ok || accepted.media?.kind !== 'livekit') throw new Error('no LiveKit call');

    // LiveKit tells the doomed node that bob left the room; it starts the room timer and dies.
    const leftAt = Date.now();
    const res = await postLiveKitWebhook(doomed.url, lk, {
      event: 'participant_left',
      room: { name: accepted.media.room },
      participant: { identity: 'bob' },
    });
    expect(res.status).toBe(200);
    const stored = await survivor.synapse.stores.registry.get(placed.call.id);
    expect(stored?.deadlines?.room?.callee).toBeGreaterThanOrEqual(leftAt + graceMs);
    const ended = waitForEvent(alice, 'call-ended');
    crash(doomed);

    expect((await ended).call).toMatchObject({ endReason: 'disconnected', endedBy: 'bob' });
    expect(Date.now() - leftAt).toBeLessThan(graceMs + 400 + 3_000);
  } finally {
    await lk.stop();
  }
});
