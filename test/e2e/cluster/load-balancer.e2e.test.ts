// Issue 19 point 4: three nodes behind nginx (the config docs/deployment.md shows), no sticky
// sessions, clients connect only through nginx. Connections spread over every node, presence
// and calls cross nodes, and the nodes see each client's own address through X-Forwarded-For.
// Runs the built bin: `npm run build` first.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_METRICS_TOKEN,
  agent,
  emitAck,
  resumingClient,
  startCluster,
  waitFor,
  waitForEvent,
  type ResumingClient,
  type TestCluster,
} from '@synapse-calling/test-utils/server';

let cluster: TestCluster;
const clients: ResumingClient[] = [];

beforeAll(async () => {
  cluster = await startCluster({ env: { SYNAPSE_METRICS_TOKEN: TEST_METRICS_TOKEN } });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await cluster?.stop();
});

/** `synapse_connections` of one node, read from the node itself (not through nginx). */
async function connectionsOn(port: number): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`, {
    headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` },
  });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('synapse_connections '));
  return Number(line?.split(' ')[1]);
}

describe('three nodes behind nginx', () => {
  it('spreads connections over every node; presence and a call cross nodes', async () => {
    for (let i = 0; i < 6; i++) clients.push(await resumingClient(cluster.url, agent(`user${i}`)));
    const perNode = await Promise.all(cluster.nodes.map((n) => connectionsOn(n.port)));
    // Round robin without sticky sessions: every node holds some of the six connections.
    expect(perNode.reduce((a, b) => a + b, 0)).toBe(6);
    for (const count of perNode) expect(count).toBeGreaterThan(0);

    // user0 watches everyone; each user0..5 pair spans two nodes for at least some pairs.
    const [watcher, ...others] = clients as [ResumingClient, ...ResumingClient[]];
    const watched = await emitAck(watcher.socket, 'subscribe-presence', {
      userIds: others.map((o) => o.userId),
    });
    if (!watched.ok) throw new Error(watched.error.code);
    expect(watched.presence.map((p) => p.status)).toEqual(others.map(() => 'online'));

    for (const callee of others) {
      const ring = waitForEvent(callee.socket, 'incoming-call');
      const placed = await emitAck(watcher.socket, 'initiate-call', { to: callee.userId });
      if (!placed.ok) throw new Error(placed.error.code);
      await ring;
      expect((await emitAck(callee.socket, 'accept-call', { callId: placed.call.id })).ok).toBe(
        true,
      );
      expect((await emitAck(callee.socket, 'end-call', { callId: placed.call.id })).ok).toBe(true);
    }
  });

  it('passes the client address on: one address is limited, another is not, a forged header is ignored', async () => {
    // 20 handshakes per second per address by default. nginx appends the address it saw to
    // X-Forwarded-For and the nodes trust one proxy, so the budget is the client's own (shared by
    // all nodes), and a client cannot escape it by sending its own X-Forwarded-For. Two loopback
    // source addresses stand for two clients.
    const attempt = (from: string, forged?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${cluster.url}/socket.io/?EIO=4&transport=polling`,
          { localAddress: from, headers: forged ? { 'x-forwarded-for': forged } : {} },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    const flood = await Promise.all(
      Array.from({ length: 60 }, (_, i) => attempt('127.0.0.7', `198.51.100.${i}`)),
    );
    expect(flood.filter((s) => s === 403).length).toBeGreaterThan(0);
    expect(await attempt('127.0.0.8')).toBe(200);
    await waitFor(async () => (await attempt('127.0.0.7')) === 200, {
      timeoutMs: 5_000,
      what: 'the flooded address to get its budget back',
    });
  });
});
