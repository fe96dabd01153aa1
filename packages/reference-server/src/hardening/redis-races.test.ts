import { afterEach, expect, it, vi } from 'vitest';
import {
  agent,
  connectClient,
  connectRegistered,
  emitAck,
  ringCall,
  startTestServer,
  useRedis,
  waitFor,
  type TestClient,
  type TestServer,
} from '@synapse-calling/test-utils/server';

/** Tries per race: each one hits the window only sometimes, so the test counts over many. */
const TRIES = 12;

const redis = useRedis();
let nodes: TestServer[] = [];

afterEach(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  nodes = [];
});

/** Two nodes of one cluster, on a key space of their own. */
async function cluster(): Promise<[TestServer, TestServer]> {
  const prefix = redis.prefix();
  const start = () =>
    startTestServer({
      redis: { url: redis.url, keyPrefix: prefix },
      reconnectGraceMs: 60_000,
      presenceGraceMs: 60_000,
    });
  nodes = [await start(), await start()];
  return nodes as [TestServer, TestServer];
}

it('of two tabs syncing at once after the carrying connection dropped, one gets media', async () => {
  const [a, b] = await cluster();
  const alice = await connectRegistered(a, agent('alice'));
  let carrier = await connectRegistered(b, agent('bob'));
  const call = await ringCall(alice, carrier, 'bob');
  expect(await emitAck(carrier, 'accept-call', { callId: call.id })).toMatchObject({ ok: true });
  const registry = a.synapse.stores.registry;

  const outcomes: number[] = [];
  for (let i = 0; i < TRIES; i++) {
    const tabs = [
      await connectRegistered(a, agent('bob')),
      await connectRegistered(b, agent('bob')),
    ];
    carrier.close();
    await waitFor(async () => (await registry.get(call.id))?.sockets.callee === null, {
      what: 'the call to lose its carrying connection',
    });
    const acks = await Promise.all(tabs.map((tab) => emitAck(tab, 'sync', {})));
    const withMedia = acks.map((ack) => (ack.ok ? ack.calls.filter((c) => c.media).length : 0));
    outcomes.push(withMedia[0] + withMedia[1]);
    // The tab that got media must be the one the call now belongs to.
    const owner = (await registry.get(call.id))?.sockets.callee;
    const winner = tabs[withMedia.indexOf(1)] as TestClient | undefined;
    expect(owner).toBe(winner?.id);
    // The winner carries the call into the next try; the other tab goes.
    carrier = winner ?? (tabs[0] as TestClient);
    for (const tab of tabs) if (tab !== carrier) tab.close();
  }
  // Exactly one tab took the call over, every time.
  expect(outcomes).toEqual(Array.from({ length: TRIES }, () => 1));
});

it('a callee whose sync was answered can be called from another node at once', async () => {
  const [a, b] = await cluster();
  // The window is the few Redis round trips of registering the connection, rarely hit on
  // loopback; a Redis that is busy or far away widens it. Slow the real store's writes likewise.
  const store = a.synapse.stores.presence;
  const register = store.addConnection.bind(store);
  vi.spyOn(store, 'addConnection').mockImplementation(async (entry) => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return register(entry);
  });
  const alice = await connectRegistered(b, agent('alice'));
  const answers: string[] = [];
  for (let i = 0; i < TRIES; i++) {
    const bob = await connectClient(a.url, await a.mintToken(agent(`bob-${i}`)));
    expect(await emitAck(bob, 'sync', {})).toMatchObject({ ok: true });
    const ack = await emitAck(alice, 'initiate-call', { to: `bob-${i}` });
    answers.push(ack.ok ? 'rang' : ack.error.code);
    if (ack.ok) await emitAck(alice, 'end-call', { callId: ack.call.id });
    bob.close();
  }
  expect(answers).toEqual(Array.from({ length: TRIES }, () => 'rang'));
});
