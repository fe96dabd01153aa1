// Redis Sentinel: two nodes on a master with a replica and a sentinel; the master is killed and
// the nodes carry on with the promoted replica (the full picture, behind nginx with the built bin,
// is test/e2e/cluster/redis-failover).
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  agent,
  connectRegistered,
  emitAck,
  startSentinelRedis,
  startTestServer,
  waitFor,
  waitForEvent,
  type TestSentinelRedis,
  type TestServer,
} from '@synapse-calling/test-utils/server';

let redis: TestSentinelRedis;
const nodes: TestServer[] = [];

beforeAll(async () => {
  redis = await startSentinelRedis();
}, 60_000);
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await redis?.stop();
});

it('calls placed across two nodes work again once Sentinel has promoted the replica', async () => {
  const sentinel = { sentinels: [redis.sentinel], name: redis.name };
  for (let i = 0; i < 2; i++) nodes.push(await startTestServer({ redis: { sentinel } }));
  const [a, b] = nodes as [TestServer, TestServer];
  const alice = await connectRegistered(a, agent('alice'));
  const bob = await connectRegistered(b, agent('bob'));

  const { failoverMs } = await redis.killMaster();
  const killedAt = Date.now() - failoverMs;
  const incoming = waitForEvent(bob, 'incoming-call', { timeoutMs: 20_000 });
  const placed = await waitFor(
    async () => {
      const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
      return ack.ok ? ack : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 200, what: 'a call to be placed after the failover' },
  );
  expect((await incoming).call.id).toBe(placed.call.id);
  console.info(
    `sentinel: promoted after ${failoverMs} ms; a call rang ${Date.now() - killedAt} ms after the kill`,
  );
}, 60_000);
