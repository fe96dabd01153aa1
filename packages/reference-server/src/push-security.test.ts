import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import webpush from 'web-push';
import type { IncomingCallPush } from '@synapse-calling/protocol';
import {
  agent,
  connectError,
  customer,
  emitAck,
  useTestServers,
  type TestServer,
  type TestTokenClaims,
} from '@synapse-calling/test-utils/server';
import { startPushService, type PushServiceStandIn } from '@synapse-calling/test-utils/push';
import { configFromEnv } from './env-config';
import { isPublicAddress } from './push/endpoint-guard';
import { loadVapidKeys, VAPID_FILE, VapidKeyError } from './push/vapid';

const alice = agent('alice', 'acme', 'Alice Adams');
const carol = customer('carol', 'acme', 'Carol Chen');
const dave = customer('dave', 'acme', 'Dave Diaz');
const globexCarol = customer('carol', 'globex', 'Other Carol');

let service: PushServiceStandIn;
beforeAll(async () => {
  service = await startPushService();
});
afterAll(() => service.close());

const startServer = useTestServers();
const start = (options: { restRateLimit?: false } = {}) =>
  startServer({ ringTimeoutMs: 5_000, push: { allowedEndpoints: [service.origin] }, ...options });

async function post(server: TestServer, user: TestTokenClaims, body: unknown, method = 'POST') {
  return fetch(`${server.url}/api/push/subscriptions`, {
    method,
    headers: {
      authorization: `Bearer ${await server.mintToken(user)}`,
      'content-type': 'application/json',
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const fakeKeys = () => {
  const sub = service.subscribe();
  return sub.json.keys;
};

describe('Web Push: hostile input', () => {
  it('refuses endpoints that are not https on a public host, and malformed keys', async () => {
    // Dozens of registrations in a row from one user: without the REST limit, each is answered
    // for what it is rather than 429.
    const server = await start({ restRateLimit: false });
    const keys = fakeKeys();
    const valid = { endpoint: 'https://93.184.216.34/push/abc', keys };
    const cases: Array<[string, unknown]> = [
      ['plain http', { ...valid, endpoint: 'http://push.example.com/abc' }],
      ['loopback', { ...valid, endpoint: 'https://127.0.0.1/abc' }],
      ['loopback by name', { ...valid, endpoint: 'https://localhost/abc' }],
      ['private 10/8', { ...valid, endpoint: 'https://10.1.2.3/abc' }],
      ['private 192.168/16', { ...valid, endpoint: 'https://192.168.0.10:8443/abc' }],
      ['link-local metadata', { ...valid, endpoint: 'https://169.254.169.254/latest' }],
      ['IPv6 loopback', { ...valid, endpoint: 'https://[::1]/abc' }],
      ['IPv6 link-local', { ...valid, endpoint: 'https://[fe80::1]/abc' }],
      ['IPv4-mapped loopback', { ...valid, endpoint: 'https://[::ffff:127.0.0.1]/abc' }],
      ['unique local', { ...valid, endpoint: 'https://[fd00::1]/abc' }],
      ['credentials', { ...valid, endpoint: 'https://user:pw@93.184.216.34/abc' }],
      ['not a URL', { ...valid, endpoint: 'push me' }],
      ['another scheme', { ...valid, endpoint: 'file:///etc/passwd' }],
      ['oversized endpoint', { ...valid, endpoint: `https://93.184.216.34/${'a'.repeat(3000)}` }],
      ['oversized p256dh', { ...valid, keys: { ...keys, p256dh: 'A'.repeat(5000) } }],
      [
        'p256dh of 66 bytes',
        { ...valid, keys: { ...keys, p256dh: Buffer.alloc(66, 4).toString('base64url') } },
      ],
      [
        'p256dh off the curve',
        { ...valid, keys: { ...keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } },
      ],
      [
        'auth of 17 bytes',
        { ...valid, keys: { ...keys, auth: Buffer.alloc(17).toString('base64url') } },
      ],
      ['auth not base64url', { ...valid, keys: { ...keys, auth: '!!!!!!!!!!!!!!!!!!!!!!' } }],
      ['no keys', { endpoint: valid.endpoint }],
    ];
    for (const [what, subscription] of cases) {
      const res = await post(server, carol, { subscription, serverUrl: server.url });
      expect(res.status, what).toBe(400);
      expect(await res.json(), what).toMatchObject({ error: { code: 'invalid-payload' } });
    }
    const badFields: Array<[string, Record<string, string>]> = [
      ['serverUrl javascript:', { serverUrl: 'javascript:alert(1)' }],
      ['openUrl protocol-relative', { openUrl: '//evil.example/' }],
      ['lang with markup', { lang: '<script>' }],
    ];
    for (const [what, extra] of badFields) {
      const body: Record<string, unknown> = {
        subscription: valid,
        serverUrl: server.url,
        ...extra,
      };
      const res = await post(server, carol, body);
      expect(res.status, what).toBe(400);
    }
    expect((await post(server, carol, '{"subscription":')).status).toBe(400);
    // Without a token nothing is registered at all.
    const anonymous = await fetch(`${server.url}/api/push/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subscription: valid, serverUrl: server.url }),
    });
    expect(anonymous.status).toBe(401);
    expect(await server.synapse.stores.push.forUser('acme', 'carol')).toEqual([]);

    // A public address is fine (nothing is sent until a call rings).
    expect((await post(server, carol, { subscription: valid, serverUrl: server.url })).status).toBe(
      204,
    );
  });

  it('judges addresses: public ones pass, private, loopback, link-local and mapped ones do not', () => {
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) {
      expect(isPublicAddress(ip), ip).toBe(true);
    }
    for (const ip of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '2001:db8::1',
      'not an ip',
    ]) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
  });

  it('keeps each user’s registrations their own: nobody registers or removes another’s', async () => {
    const server = await start();
    const shared = service.subscribe();
    for (const user of [carol, dave, globexCarol]) (await server.connect(user)).close();
    expect(
      (await post(server, carol, { subscription: shared.json, serverUrl: server.url })).status,
    ).toBe(204);
    // Dave registers the same browser for himself, then removes it: Carol's row stays.
    expect(
      (await post(server, dave, { subscription: shared.json, serverUrl: server.url })).status,
    ).toBe(204);
    const removed = await post(server, dave, { endpoint: shared.json.endpoint }, 'DELETE');
    expect(removed.status).toBe(204);
    // Carol of another tenant removing "her" endpoint touches nothing in acme.
    await post(server, globexCarol, { endpoint: shared.json.endpoint }, 'DELETE');
    expect((await server.synapse.stores.push.forUser('acme', 'carol')).length).toBe(1);
    expect(await server.synapse.stores.push.forUser('acme', 'dave')).toEqual([]);
    expect(await server.synapse.stores.push.forUser('globex', 'carol')).toEqual([]);

    const caller = await server.connect(alice);
    const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
    if (!ack.ok) throw new Error(ack.error.code);
    await service.next((p) => p.message.callId === ack.call.id);

    // Her own removal works.
    expect((await post(server, carol, { endpoint: shared.json.endpoint }, 'DELETE')).status).toBe(
      204,
    );
    expect(await server.synapse.stores.push.forUser('acme', 'carol')).toEqual([]);
  });

  it('the call token declines that call by that user only, until it stops ringing, and is no session token', async () => {
    const server = await start();
    const phone = service.subscribe();
    (await server.connect(carol)).close();
    expect(
      (await post(server, carol, { subscription: phone.json, serverUrl: server.url })).status,
    ).toBe(204);
    const caller = await server.connect(alice);
    const place = async () => {
      const ack = await emitAck(caller, 'initiate-call', { to: 'carol' });
      if (!ack.ok) throw new Error(ack.error.code);
      const push = await service.next(
        (p) => p.message.type === 'incoming-call' && p.message.callId === ack.call.id,
      );
      return push.message as IncomingCallPush;
    };
    const decline = (callId: string, token: string | undefined) =>
      fetch(`${server.url}/api/push/calls/${callId}/decline`, {
        method: 'POST',
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      });

    const first = await place();
    await emitAck(caller, 'end-call', { callId: first.callId });
    const second = await place();

    expect((await decline(second.callId, undefined)).status).toBe(401);
    expect((await decline(second.callId, await server.mintToken(carol))).status).toBe(401);
    // The token of the first call does not decline the second.
    expect((await decline(second.callId, first.token)).status).toBe(401);
    const [head, body, sig] = second.token.split('.') as [string, string, string];
    const tampered = `${head}.${body}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await decline(second.callId, tampered)).status).toBe(401);
    // Used as a session token, it is refused everywhere.
    expect(
      (
        await fetch(`${server.url}/api/calls`, {
          headers: { authorization: `Bearer ${second.token}` },
        })
      ).status,
    ).toBe(401);
    expect((await connectError(server.url, { token: second.token })).data?.code).toBe(
      'unauthorized',
    );
    // The call went on ringing through all of that.
    expect((await server.synapse.stores.registry.get(second.callId))?.call.state).toBe('ringing');

    // An ended call is not declined again.
    expect((await decline(first.callId, first.token)).status).toBe(409);
    expect((await decline(second.callId, second.token)).status).toBe(200);
  });

  it('sit behind the REST limits like every other route: per user, and per address for the worker’s decline', async () => {
    const server = await start();
    const token = await server.mintToken(carol);
    const configs = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`${server.url}/api/push/config`, { headers: { authorization: `Bearer ${token}` } }),
      ),
    );
    const limited = configs.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(configs.length - limited.length).toBeGreaterThanOrEqual(20);
    expect(await limited[0]?.json()).toMatchObject({ error: { code: 'rate-limited' } });
    // The decline route has no session: forged call tokens are limited by address.
    const declines = await Promise.all(
      Array.from({ length: 80 }, (_, i) =>
        fetch(`${server.url}/api/push/calls/call-${i}/decline`, {
          method: 'POST',
          headers: { authorization: `Bearer forged-${i}` },
        }),
      ),
    );
    const statuses = declines.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });
});

describe('Web Push: VAPID keys', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const logger = pino({ level: 'silent' });

  it('are generated into the data dir on first start (owner-only) and reused after', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'synapse-vapid-'));
    dirs.push(dataDir);
    const first = await loadVapidKeys({ dataDir, logger });
    const file = join(dataDir, VAPID_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      publicKey: first.publicKey,
      privateKey: first.privateKey,
    });
    expect(await loadVapidKeys({ dataDir, logger })).toEqual(first);
  });

  it('come from settings when set (GET /api/push/config hands out the public one); bad ones are refused', async () => {
    const keys = webpush.generateVAPIDKeys();
    const env = {
      SYNAPSE_JWT_SECRET: 'x'.repeat(32),
      SYNAPSE_VAPID_PUBLIC_KEY: keys.publicKey,
      SYNAPSE_VAPID_PRIVATE_KEY: keys.privateKey,
      SYNAPSE_VAPID_SUBJECT: 'mailto:ops@example.com',
      SYNAPSE_PUSH_ALLOWED_ENDPOINTS: 'http://127.0.0.1:4000',
    };
    expect(configFromEnv(env).push).toEqual({
      vapid: keys,
      subject: 'mailto:ops@example.com',
      allowedEndpoints: ['http://127.0.0.1:4000'],
    });
    expect(configFromEnv({ SYNAPSE_JWT_SECRET: 'x'.repeat(32), SYNAPSE_PUSH: 'off' }).push).toBe(
      false,
    );
    expect(() =>
      configFromEnv({
        ...env,
        SYNAPSE_VAPID_PRIVATE_KEY: '',
        SYNAPSE_VAPID_PUBLIC_KEY: keys.publicKey,
      }),
    ).toThrow(/go together/);

    const server = await startServer({ push: { vapid: keys } });
    const config = await fetch(`${server.url}/api/push/config`, {
      headers: { authorization: `Bearer ${await server.mintToken(carol)}` },
    });
    expect(await config.json()).toEqual({ publicKey: keys.publicKey });
    await expect(
      loadVapidKeys({ configured: { ...keys, privateKey: 'short' }, dataDir: ':memory:', logger }),
    ).rejects.toBeInstanceOf(VapidKeyError);
  });

  it('push: false turns the routes off', async () => {
    const server = await startServer({ push: false });
    const res = await fetch(`${server.url}/api/push/config`, {
      headers: { authorization: `Bearer ${await server.mintToken(carol)}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not-found' } });
  });
});
