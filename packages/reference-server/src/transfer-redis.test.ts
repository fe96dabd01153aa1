import { afterEach, expect, it } from 'vitest';
import type { CallListResponse } from '@synapse-calling/protocol';
import {
  agent,
  connectRegistered,
  customer,
  emitAck,
  ringCall,
  startTestServer,
  useRedis,
  waitForEvent,
  type TestClient,
  type TestServer,
} from '@synapse-calling/test-utils/server';

const redis = useRedis();
let nodes: TestServer[] = [];

afterEach(async () => {
  // A crashed node's close() fails on its dead Redis connections; only cleanup matters here.
  await Promise.all(nodes.map((n) => n.close().catch(() => undefined)));
});

async function activeCall(caller: TestClient, callee: TestClient, to: string) {
  const call = await ringCall(caller, callee, to);
  const ack = await emitAck(callee, 'accept-call', { callId: call.id });
  if (!ack.ok) throw new Error(ack.error.code);
  return call;
}

it('two nodes: two agents transferring to the same agent at once book them for one call only', async () => {
  const prefix = redis.prefix();
  const start = () => startTestServer({ redis: { url: redis.url, keyPrefix: prefix } });
  nodes = [await start(), await start()];
  const [a, b] = nodes as [TestServer, TestServer];
  const alice = await connectRegistered(a, agent('alice', 'acme', 'Alice'));
  const dave = await connectRegistered(b, agent('dave', 'acme', 'Dave'));
  const bob = await connectRegistered(b, agent('bob', 'acme', 'Bob'));
  const carol = await connectRegistered(b, customer('carol'));
  const erin = await connectRegistered(a, customer('erin'));
  const first = await activeCall(carol, alice, 'alice');
  const second = await activeCall(erin, dave, 'dave');

  const acks = await Promise.all([
    emitAck(alice, 'transfer-call', { callId: first.id, to: 'bob' }),
    emitAck(dave, 'transfer-call', { callId: second.id, to: 'bob' }),
  ]);
  const won = acks.filter((ack) => ack.ok);
  expect(won).toHaveLength(1);
  expect(acks.find((ack) => !ack.ok)).toMatchObject({ ok: false, error: { code: 'busy' } });

  // The winner's transfer completes across nodes: Bob (node B) answers a call Alice held on A.
  const ack = won[0];
  if (!ack?.ok) throw new Error('no transfer won');
  const winner = ack.call;
  const stays = winner.id === first.id ? carol : erin;
  const transferred = waitForEvent(stays, 'call-transferred');
  expect(await emitAck(bob, 'accept-call', { callId: winner.id })).toMatchObject({
    ok: true,
    call: { to: { id: 'bob' } },
  });
  expect((await transferred).call.legs?.map((l) => l.party.id)).toHaveLength(2);
  const stored = await a.synapse.stores.registry.forUser('acme', 'bob');
  expect(stored.map((r) => r.call.id)).toEqual([winner.id]);

  // The agent who handed the call over still finds it in their history, on either node.
  const handedOver = winner.id === first.id ? 'alice' : 'dave';
  for (const node of nodes) {
    const token = await node.mintToken(agent(handedOver, 'acme', handedOver));
    const res = await fetch(`${node.url}/api/calls`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { calls } = (await res.json()) as CallListResponse;
    expect(calls.map((c) => c.id)).toContain(winner.id);
  }
});

it('two nodes: a warm transfer consults across nodes and completes once', async () => {
  const prefix = redis.prefix();
  const transferred: string[] = [];
  const start = () =>
    startTestServer({
      redis: { url: redis.url, keyPrefix: prefix },
      onCallEvent: (e) => void (e.type === 'call.transferred' && transferred.push(e.call.id)),
    });
  nodes = [await start(), await start()];
  const [a, b] = nodes as [TestServer, TestServer];
  const alice = await connectRegistered(a, agent('alice', 'acme', 'Alice'));
  const bob = await connectRegistered(b, agent('bob', 'acme', 'Bob'));
  const carol = await connectRegistered(b, customer('carol'));
  const call = await activeCall(carol, alice, 'alice');

  const rings = waitForEvent(bob, 'incoming-call');
  await emitAck(alice, 'transfer-call', { callId: call.id, to: 'bob', mode: 'warm' });
  await rings;
  const aliceMedia = waitForEvent(alice, 'call-transferring', { filter: (p) => !!p.media });
  expect(await emitAck(bob, 'accept-call', { callId: call.id })).toMatchObject({
    ok: true,
    call: { transfer: { state: 'consulting' } },
  });
  await aliceMedia;
  // Consultation signals cross from node A to node B, and back.
  const toBob = waitForEvent(bob, 'media-signal', { filter: (p) => p.consult === true });
  const signal = { type: 'hangup-media' } as const;
  await emitAck(alice, 'media-signal', { callId: call.id, signal, consult: true });
  await toBob;
  const toAlice = waitForEvent(alice, 'media-signal', { filter: (p) => p.consult === true });
  await emitAck(bob, 'media-signal', { callId: call.id, signal, consult: true });
  await toAlice;

  // Complete (node A) racing Bob hanging up the consultation (node B): one outcome.
  const [done, hungUp] = await Promise.all([
    emitAck(alice, 'complete-transfer', { callId: call.id }),
    emitAck(bob, 'end-call', { callId: call.id }),
  ]);
  const record = await a.synapse.stores.registry.get(call.id);
  if (done.ok && hungUp.ok) {
    // Completed first, then Bob (now the party) hung up the call itself.
    expect(record).toBeUndefined();
  } else if (done.ok) {
    expect(record?.call).toMatchObject({ to: { id: 'bob' } });
  } else {
    expect(hungUp.ok).toBe(true);
    expect(record?.call).toMatchObject({ to: { id: 'alice' } });
    expect(record?.call.transfer).toBeUndefined();
  }
  // The host hears of the hand-over exactly when it happened, once.
  await new Promise((r) => setTimeout(r, 200));
  expect(transferred).toEqual(done.ok ? [call.id] : []);
  const booked = await b.synapse.stores.registry.forUser('acme', 'bob');
  expect(booked.length).toBeLessThanOrEqual(1);
});

/** The node stops talking to Redis and its clients lose their connections (redis-crash.test.ts). */
function crash(node: TestServer): void {
  for (const nsp of [node.synapse.namespace, node.synapse.io.sockets]) void nsp.adapter.close();
  for (const client of node.synapse.cluster?.clients ?? []) client.disconnect();
  node.httpServer.closeAllConnections();
}

it('a transfer whose node crashed stops ringing when due, on the node that is left', async () => {
  const prefix = redis.prefix();
  const start = () =>
    startTestServer({
      redis: { url: redis.url, keyPrefix: prefix, nodeTtlMs: 600 },
      ringTimeoutMs: 1_000,
      reconnectGraceMs: 30_000,
    });
  nodes = [await start(), await start()];
  const [doomed, survivor] = nodes as [TestServer, TestServer];
  const alice = await connectRegistered(doomed, agent('alice', 'acme', 'Alice'));
  const bob = await connectRegistered(survivor, agent('bob', 'acme', 'Bob'));
  const carol = await connectRegistered(survivor, customer('carol'));
  const call = await activeCall(carol, alice, 'alice');
  const rings = waitForEvent(bob, 'incoming-call');
  expect(await emitAck(alice, 'transfer-call', { callId: call.id, to: 'bob' })).toMatchObject({
    ok: true,
  });
  await rings;

  // The transfer's timer lived on the crashed node: the survivor's heartbeat stops it.
  const stopped = waitForEvent(bob, 'call-ended');
  const told = waitForEvent(carol, 'call-transferring', { filter: (p) => !p.call.transfer });
  crash(doomed);
  expect((await stopped).call.endReason).toBe('missed');
  await told;
  // The call itself waits for Alice to come back (its reconnect grace), and Bob is free.
  expect((await survivor.synapse.stores.registry.get(call.id))?.call.state).toBe('active');
  expect(await survivor.synapse.stores.registry.forUser('acme', 'bob')).toEqual([]);
});
