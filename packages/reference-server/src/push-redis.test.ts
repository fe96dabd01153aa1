import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agent,
  customer,
  emitAck,
  startRedis,
  useTestServers,
  waitFor,
  type TestRedis,
} from '@synapse-calling/test-utils/server';
import {
  registerPush,
  startPushService,
  type PushServiceStandIn,
} from '@synapse-calling/test-utils/push';

let redis: TestRedis;
let service: PushServiceStandIn;
beforeAll(async () => {
  [redis, service] = await Promise.all([startRedis(), startPushService()]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), service?.close()]);
});

const start = useTestServers();

describe('Web Push with several nodes (Redis)', () => {
  it('shares the generated VAPID keys and the subscriptions: any node rings any registered browser', async () => {
    const options = {
      redis: { url: redis.url, keyPrefix: 'push-test:' },
      presenceGraceMs: 100,
      push: { allowedEndpoints: [service.origin] },
    };
    const [a, b] = await Promise.all([start(options), start(options)]);
    expect(a.synapse.push?.publicKey).toBeDefined();
    expect(b.synapse.push?.publicKey).toBe(a.synapse.push?.publicKey);

    const carol = customer('carol', 'acme', 'Carol Chen');
    const phone = service.subscribe();
    (await a.connect(carol)).close();
    expect(await registerPush(a.url, await a.mintToken(carol), phone)).toBe(204);
    await waitFor(
      async () => (await b.synapse.stores.presence.connections('acme', 'carol')).length === 0,
    );

    const caller = await b.connect(agent('alice', 'acme', 'Alice Adams'));
    const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
    if (!ack.ok) throw new Error(ack.error.code);
    const push = await service.next((p) => p.message.callId === ack.call.id);
    expect(push.vapidPublicKey).toBe(a.synapse.push?.publicKey);
    expect(push.message).toMatchObject({ type: 'incoming-call', caller: { name: 'Alice Adams' } });
  });
});
