import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEndedPush, IncomingCallPush } from '@synapse-calling/protocol';
import {
  agent,
  customer,
  emitAck,
  useTestServers,
  waitFor,
  waitForEvent,
  type TestServer,
  type TestServerOptions,
  type TestTokenClaims,
} from '@synapse-calling/test-utils/server';
import {
  startPushService,
  type PushServiceStandIn,
  type ReceivedPush,
  type StandInSubscription,
} from '@synapse-calling/test-utils/push';

const alice = agent('alice', 'acme', 'Alice Adams');
const carol = customer('carol', 'acme', 'Carol Chen');
const RING_MS = 5_000;

let service: PushServiceStandIn;
beforeAll(async () => {
  service = await startPushService();
});
afterAll(() => service.close());

const startServer = useTestServers();
const start = (options: TestServerOptions = {}) =>
  startServer({
    ringTimeoutMs: RING_MS,
    presenceGraceMs: 100,
    push: { allowedEndpoints: [service.origin] },
    ...options,
  });

/** Registers `sub` for `user` as sdk-core does (the user must have connected once before). */
async function register(
  server: TestServer,
  user: TestTokenClaims,
  sub: StandInSubscription,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const res = await fetch(`${server.url}/api/push/subscriptions`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${await server.mintToken(user)}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ subscription: sub.json, serverUrl: server.url, ...extra }),
  });
  expect(res.status, await res.text()).toBe(204);
}

/** Carol, known to the server from an earlier visit, registered `subs` and closed her page. */
async function carolAway(server: TestServer, ...subs: StandInSubscription[]): Promise<void> {
  const page = await server.connect(carol);
  for (const sub of subs) await register(server, carol, sub, { openUrl: '/portal/', lang: 'de' });
  page.close();
  await waitFor(
    async () => (await server.synapse.stores.presence.connections('acme', 'carol')).length === 0,
  );
}

const pushTo = (sub: StandInSubscription, type: string, callId: string) =>
  service.next(
    (p) => p.subscription === sub && p.message.type === type && p.message.callId === callId,
  );

describe('Web Push: an incoming call rings the callee’s registered browsers', () => {
  it('pushes to every browser of an offline callee, encrypted for each, VAPID-signed, TTL = ring, urgency high', async () => {
    const server = await start();
    const [phone, laptop] = [service.subscribe(), service.subscribe()];
    await carolAway(server, phone, laptop);
    // Offline once her presence grace is over, yet still reachable: the call button stays usable.
    const auth = { authorization: `Bearer ${await server.mintToken(alice)}` };
    const presence = await waitFor(async () => {
      const res = await fetch(`${server.url}/api/presence?userIds=carol`, { headers: auth });
      const body = (await res.json()) as { presence: Array<{ status: string }> };
      return body.presence[0]?.status === 'offline' && body;
    });
    expect(presence).toMatchObject({
      presence: [{ userId: 'carol', status: 'offline', pushReachable: true }],
    });

    const caller = await server.connect(alice);
    const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
    if (!ack.ok) throw new Error(`a push-reachable callee must ring: ${ack.error.code}`);
    const call = ack.call;
    const pushes = await Promise.all(
      [phone, laptop].map((s) => pushTo(s, 'incoming-call', call.id)),
    );

    const publicKey = server.synapse.push?.publicKey;
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    for (const push of pushes) {
      expect(push.headers).toMatchObject({
        ttl: String(RING_MS / 1000),
        urgency: 'high',
        'content-encoding': 'aes128gcm',
        topic: call.id.replace(/-/g, ''),
      });
      expect(push.vapidPublicKey).toBe(publicKey);
      expect(push.vapid.aud).toBe(service.origin);
      expect(push.vapid.sub).toBe('mailto:push@example.com');
      const now = Date.now() / 1000;
      expect(push.vapid.exp).toBeGreaterThan(now);
      expect(push.vapid.exp).toBeLessThanOrEqual(now + 24 * 3600);
      // Only what the notification needs: no session token, no metadata, no ids beyond the call.
      const message = push.message as IncomingCallPush;
      expect(Object.keys(message).sort()).toEqual(
        [
          'caller',
          'callId',
          'expiresAt',
          'lang',
          'openUrl',
          'serverUrl',
          'tag',
          'token',
          'type',
          'v',
        ].sort(),
      );
      expect(message).toEqual({
        v: 1,
        type: 'incoming-call',
        callId: call.id,
        tag: `synapse-call-${call.id}`,
        caller: { name: 'Alice Adams', role: 'agent' },
        expiresAt: call.createdAt + RING_MS,
        token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        serverUrl: server.url,
        openUrl: '/portal/',
        lang: 'de',
      });
    }
    // Each browser decrypted its own copy: both carry the same call.
    expect(pushes[0]?.text).toBe(pushes[1]?.text);
  });

  it('a callee who is offline with no registered browser is still refused offline', async () => {
    const server = await start();
    (await server.connect(carol)).close();
    await waitFor(
      async () => (await server.synapse.stores.presence.connections('acme', 'carol')).length === 0,
    );
    const caller = await server.connect(alice);
    const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'offline' } });
  });

  it('closes the notification with a second push: cancelled, missed, answered elsewhere, declined', async () => {
    const server = await start();
    const phone = service.subscribe();
    await carolAway(server, phone);
    const caller = await server.connect(alice);
    const ended = async (callId: string): Promise<CallEndedPush> => {
      await pushTo(phone, 'incoming-call', callId);
      return (await pushTo(phone, 'call-ended', callId)).message as CallEndedPush;
    };
    const place = async () => {
      const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
      if (!ack.ok) throw new Error(ack.error.code);
      return ack.call;
    };

    let call = await place();
    await pushTo(phone, 'incoming-call', call.id);
    await emitAck(caller, 'end-call', { callId: call.id });
    expect(await ended(call.id)).toEqual({
      v: 1,
      type: 'call-ended',
      callId: call.id,
      tag: `synapse-call-${call.id}`,
      caller: { name: 'Alice Adams', role: 'agent' },
      reason: 'cancelled',
      lang: 'de',
    });

    // Carol's tab opens meanwhile and answers there: her other devices stop ringing.
    call = await place();
    const tab = await server.connect(carol);
    await emitAck(tab, 'accept-call', { callId: call.id });
    expect((await ended(call.id)).reason).toBe('answered');
    await emitAck(caller, 'end-call', { callId: call.id });

    call = await place();
    await emitAck(tab, 'reject-call', { callId: call.id });
    expect((await ended(call.id)).reason).toBe('rejected');
  });

  it('a missed call closes the notification too', async () => {
    const server = await start({ ringTimeoutMs: 1_000 });
    const phone = service.subscribe();
    await carolAway(server, phone);
    const caller = await server.connect(alice);
    const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
    if (!ack.ok) throw new Error(ack.error.code);
    const ringing = await pushTo(phone, 'incoming-call', ack.call.id);
    expect(ringing.headers.ttl).toBe('1');
    const closed = await pushTo(phone, 'call-ended', ack.call.id);
    expect(closed.message).toMatchObject({ reason: 'missed' });
  });

  it('deletes a subscription the push service says is gone (410) and counts failures in /metrics', async () => {
    const metricsToken = 'push-test-metrics-token-0123456789abcdef';
    const server = await start({ metricsToken });
    const [gone, broken, fine] = [service.subscribe(), service.subscribe(), service.subscribe()];
    await carolAway(server, gone, broken, fine);
    service.answer(gone, 410);
    service.answer(broken, 500);
    const caller = await server.connect(alice);
    const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
    if (!ack.ok) throw new Error(ack.error.code);
    await Promise.all([gone, broken, fine].map((s) => pushTo(s, 'incoming-call', ack.call.id)));

    const left = await waitFor(async () => {
      const rows = await server.synapse.stores.push.forUser('acme', 'carol');
      return rows.length === 2 && rows;
    });
    expect(left.map((r) => r.endpoint).sort()).toEqual(
      [broken.json.endpoint, fine.json.endpoint].sort(),
    );
    const metrics = await (
      await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
    ).text();
    expect(metrics).toContain(
      'synapse_push_messages_total{type="incoming-call",outcome="expired"} 1',
    );
    expect(metrics).toContain(
      'synapse_push_messages_total{type="incoming-call",outcome="failed"} 1',
    );
    expect(metrics).toContain('synapse_push_messages_total{type="incoming-call",outcome="sent"} 1');
  });

  it('declines from the service worker with the push’s call token: declined in both histories', async () => {
    const server = await start();
    const phone = service.subscribe();
    await carolAway(server, phone);
    const caller = await server.connect(alice);
    const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
    if (!ack.ok) throw new Error(ack.error.code);
    const { message } = (await pushTo(phone, 'incoming-call', ack.call.id)) as ReceivedPush & {
      message: IncomingCallPush;
    };
    const rejected = waitForEvent(caller, 'call-rejected');
    const res = await fetch(`${message.serverUrl}/api/push/calls/${message.callId}/decline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${message.token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      call: { id: ack.call.id, state: 'ended', endReason: 'rejected', endedBy: 'carol' },
    });
    expect((await rejected).call.endReason).toBe('rejected');
    for (const user of ['alice', 'carol']) {
      const page = await server.synapse.stores.callLog.listForUser('acme', user, { limit: 1 });
      expect(page.entries[0]?.call).toMatchObject({ id: ack.call.id, endReason: 'rejected' });
    }
    expect((await pushTo(phone, 'call-ended', ack.call.id)).message).toMatchObject({
      reason: 'rejected',
    });
  });
});
