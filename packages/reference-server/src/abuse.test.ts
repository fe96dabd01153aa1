import { describe, expect, it } from 'vitest';
import {
  agent,
  connectError,
  emitAck,
  fetchMetrics,
  rawEmit,
  recordEvents,
  TEST_METRICS_TOKEN,
  waitForEvent,
  useTestServer,
} from '@synapse-calling/test-utils/server';

const server = useTestServer(
  {
    allowedOrigins: ['https://crm.example.com'],
    rateLimit: { perSecond: 20, burst: 40 },
    metricsToken: TEST_METRICS_TOKEN,
  },
  { per: 'file' },
);

describe('bad input', () => {
  it.each([
    ['initiate-call', null],
    ['initiate-call', 'bob'],
    ['initiate-call', { to: 42 }],
    ['initiate-call', { to: '' }],
    ['initiate-call', { to: 'x'.repeat(200) }],
    ['initiate-call', { to: 'bob', metadata: 'not-an-object' }],
    ['accept-call', {}],
    ['accept-call', { callId: ['a'] }],
    ['reject-call', { callId: 'c', reason: 'r'.repeat(500) }],
    ['set-status', { status: 'busy' }],
    ['set-status', { status: 'offline' }],
    ['subscribe-presence', { userIds: 'bob' }],
    ['subscribe-presence', { userIds: [1, 2] }],
    ['heartbeat', { idle: 'yes' }],
    ['media-signal', { callId: 'c', signal: { type: 'bogus' } }],
    ['media-signal', { callId: 'c', signal: { type: 'description', description: { type: 'x' } } }],
    // Payloads that are not objects at all.
    ['initiate-call', ['bob']],
    ['accept-call', 42],
    ['end-call', true],
    ['sync', 'now'],
    ['heartbeat', null],
    ['set-status', []],
    ['initiate-call', { to: 'bob', metadata: ['a', 'b'] }],
    ['unsubscribe-presence', { userIds: Array.from({ length: 501 }, (_, i) => `u${i}`) }],
  ])('%s with %j is answered invalid-payload', async (event, payload) => {
    const client = await server.connect(agent('mallory'));
    expect(await rawEmit(client, event, payload)).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.any(String) },
    });
    client.close();
  });

  it('bounds metadata to 2 KB and creates no call for an oversized one', async () => {
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const ack = await emitAck(alice, 'initiate-call', {
      to: 'bob',
      metadata: { blob: 'x'.repeat(3000) },
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await server.synapse.stores.registry.all()).toHaveLength(0);
    const ok = await emitAck(alice, 'initiate-call', {
      to: 'bob',
      metadata: { blob: 'x'.repeat(1000) },
    });
    expect(ok.ok).toBe(true);
    if (ok.ok) await emitAck(alice, 'end-call', { callId: ok.call.id });
    alice.close();
    bob.close();
  });

  it('metadata cannot pollute prototypes; a __proto__ key is dropped, the rest kept', async () => {
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    // JSON.parse makes `__proto__` an own property, as a hostile client's frame would.
    const metadata = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"crm":"lead-1"}',
    ) as Record<string, unknown>;
    const incoming = waitForEvent(bob, 'incoming-call');
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob', metadata });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(ack.call.metadata ?? {}).sort()).toEqual(['constructor', 'crm']);
    expect((await incoming).call.metadata).toMatchObject({ crm: 'lead-1' });
    const logged = await server.synapse.stores.callLog.get(ack.call.id);
    expect(Object.getPrototypeOf(logged?.call.metadata)).toBe(Object.prototype);
    expect(Object.keys(logged?.call.metadata ?? {}).sort()).toEqual(['constructor', 'crm']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await emitAck(alice, 'end-call', { callId: ack.call.id });
    alice.close();
    bob.close();
  });

  it('handles ids with any characters, and tenant/user pairs that would collide if joined', async () => {
    // Unencoded, tenant "a:b" + user "c" and tenant "a" + user "b:c" would share one room.
    const insider = await server.connect({ sub: 'b:c', tenant: 'a', role: 'agent' });
    const outsider = await server.connect({ sub: 'c', tenant: 'a:b', role: 'agent' });
    const caller = await server.connect({ sub: '__proto__', tenant: 'a', role: 'agent' });
    const leaked = recordEvents(outsider, ['incoming-call', 'presence-changed']);
    const watcher = await server.connect({ sub: 'ü ñ %20/..', tenant: 'a', role: 'agent' });
    expect(
      await emitAck(watcher, 'subscribe-presence', { userIds: ['b:c', 'constructor'] }),
    ).toMatchObject({
      ok: true,
      presence: [
        { userId: 'b:c', status: 'online' },
        { userId: 'constructor', status: 'offline', lastSeen: null },
      ],
    });
    const incoming = waitForEvent(insider, 'incoming-call');
    const ack = await emitAck(caller, 'initiate-call', { to: 'b:c' });
    if (!ack.ok) throw new Error(ack.error.code);
    expect((await incoming).call).toMatchObject({ from: { id: '__proto__' }, to: { id: 'b:c' } });
    const accepted = await emitAck(insider, 'accept-call', { callId: ack.call.id });
    expect(accepted).toMatchObject({ ok: true, call: { state: 'active' } });
    // Round trip on the outsider after everything was emitted: nothing reached it.
    await emitAck(outsider, 'heartbeat', {});
    expect(leaked).toEqual([]);
    await emitAck(caller, 'end-call', { callId: ack.call.id });
    for (const c of [insider, outsider, caller, watcher]) c.close();
  });

  it('ignores unknown events and survives events without an ack callback', async () => {
    const client = await server.connect(agent('mallory'));
    const loose = client as unknown as { emit(event: string, ...args: unknown[]): void };
    loose.emit('no-such-event', { a: 1 });
    loose.emit('initiate-call', { to: 'bob' });
    loose.emit('initiate-call');
    loose.emit('sync');
    loose.emit('accept-call', 'x', 'y', 'z');
    // Still connected and still answering.
    expect(await rawEmit(client, 'heartbeat', {})).toEqual({ ok: true });
    expect(await rawEmit(client, 'heartbeat')).toEqual({ ok: true });
    client.close();
  });

  it('closes a connection that sends a frame over 64 KB, and keeps serving others', async () => {
    const big = await server.connect(agent('mallory'));
    const other = await server.connect(agent('alice'));
    const disconnected = new Promise<string>((resolve) => big.once('disconnect', resolve));
    (big as unknown as { emit(e: string, p: unknown): void }).emit('heartbeat', {
      pad: 'x'.repeat(70 * 1024),
    });
    expect(await disconnected).toBe('transport close');
    expect(await emitAck(other, 'heartbeat', {})).toEqual({ ok: true });
    other.close();
  });

  it('answers a flood with rate-limited while other connections are served', async () => {
    const flooder = await server.connect(agent('flooder'));
    const bystander = await server.connect(agent('bystander'));
    const acks = await Promise.all(
      Array.from({ length: 150 }, () => rawEmit(flooder, 'heartbeat', {})),
    );
    const limited = acks.filter(
      (a) => (a as { error?: { code?: string } }).error?.code === 'rate-limited',
    );
    expect(limited.length).toBeGreaterThan(0);
    expect(acks.length - limited.length).toBeGreaterThanOrEqual(40);
    expect(await emitAck(bystander, 'heartbeat', {})).toEqual({ ok: true });
    // The limit is per connection: the same user on a new connection is not limited.
    const again = await server.connect(agent('flooder'));
    expect(await emitAck(again, 'heartbeat', {})).toEqual({ ok: true });
    flooder.close();
    bystander.close();
    again.close();
  });
});

describe('origin allowlist', () => {
  const token = () => server.mintToken(agent('alice'));

  it('refuses a browser origin that is not allowed', async () => {
    const refused = await connectError(
      server.url,
      { token: await token() },
      {
        extraHeaders: { origin: 'https://evil.example.com' },
      },
    );
    expect(refused.message).toMatch(/websocket error|origin/i);
  });

  it('allows a listed origin and clients that send no Origin', async () => {
    const listed = await server.connect(agent('alice'), {
      extraHeaders: { origin: 'https://crm.example.com' },
    });
    expect(listed.connected).toBe(true);
    listed.close();
    // Native apps and servers send no Origin at all (socket.io-client in Node sends none).
    const native = await server.connect(agent('native'));
    expect(native.connected).toBe(true);
    native.close();
  });

  it('applies the allowlist to REST too, with CORS headers for allowed origins', async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const good = await fetch(`${server.url}/api/calls`, {
      headers: { ...auth, origin: 'https://crm.example.com' },
    });
    expect(good.status).toBe(200);
    expect(good.headers.get('access-control-allow-origin')).toBe('https://crm.example.com');
    const bad = await fetch(`${server.url}/api/calls`, {
      headers: { ...auth, origin: 'https://evil.example.com' },
    });
    expect(bad.status).toBe(403);
  });
});

describe('REST input', () => {
  it('rejects bad query strings and bodies with invalid-payload', async () => {
    const auth = { authorization: `Bearer ${await server.mintToken(agent('alice'))}` };
    expect((await fetch(`${server.url}/api/calls?limit=0`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${server.url}/api/calls?cursor=bogus`, { headers: auth })).status).toBe(
      400,
    );
    expect((await fetch(`${server.url}/api/presence`, { headers: auth })).status).toBe(400);
    const badJson = await fetch(`${server.url}/api/livekit/token`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { code: 'invalid-payload' } });
  });

  it('serves /healthz and Prometheus /metrics', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    const alice = await server.connect(agent('metrics-user'));
    await emitAck(alice, 'heartbeat', {});
    const text = await (await fetchMetrics(server.url)).text();
    expect(text).toMatch(/^synapse_connections \d+/m);
    expect(text).toMatch(/synapse_calls\{state="ringing"\} \d+/);
    expect(text).toMatch(/synapse_signaling_handling_seconds_bucket\{.*event="heartbeat"/);
    alice.close();
  });
});
