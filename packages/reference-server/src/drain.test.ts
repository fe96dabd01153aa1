import { afterEach, describe, expect, it } from 'vitest';
import {
  agent,
  connectClient,
  emitAck,
  mintTestToken,
  ringCall,
  startTestServer,
  type TestServer,
} from '@synapse-calling/test-utils/server';

// The drain on one node, seen from outside. With nginx in front, the moved clients land on the
// other nodes (test/e2e/cluster/rolling-restart.e2e.test.ts); here there is no other node.
const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe('drain', () => {
  it('answers /healthz 503, refuses new connections and closes each client’s transport', async () => {
    const server = await startTestServer();
    servers.push(server);
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const call = await ringCall(alice, bob, 'bob');
    await emitAck(bob, 'accept-call', { callId: call.id });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const reasons = Promise.all(
      [alice, bob].map((c) => new Promise<string>((resolve) => c.once('disconnect', resolve))),
    );
    const drained = server.synapse.drain({ timeoutMs: 1_500 });
    // A transport close: the client's manager reconnects by itself (to another node).
    expect(await reasons).toEqual(['transport close', 'transport close']);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ ok: false, draining: true });
    await expect(connectClient(server.url, await mintTestToken(agent('carol')))).rejects.toThrow();

    // Nobody took the call over (no other node): the drain gives up at its deadline and the
    // call is still waiting out its reconnect grace, not ended by the drain.
    expect(await drained).toMatchObject({ clients: 2, calls: 2, moved: 0, timedOut: true });
    expect((await server.synapse.stores.registry.get(call.id))?.call.state).toBe('active');
  });
});
