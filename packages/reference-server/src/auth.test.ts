import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import {
  connectClient,
  connectError,
  emitAck,
  mintTestToken,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
} from '@synapse-calling/test-utils/server';

const claims = { tenant: 'acme', role: 'agent' };
const secretKey = new TextEncoder().encode(TEST_JWT_SECRET);

function hs(alg: 'HS256' | 'HS512', body: Record<string, unknown> = claims, key = secretKey) {
  return new SignJWT(body)
    .setProtectedHeader({ alg })
    .setSubject('alice')
    .setExpirationTime('1h')
    .sign(key);
}

describe('handshake auth (HS256 secret)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('accepts a valid token and takes identity from it', async () => {
    const token = await server.mintToken({
      sub: 'alice',
      tenant: 'acme',
      role: 'agent',
      name: 'Alice',
    });
    const client = await connectClient(server.url, token);
    const ack = await emitAck(client, 'sync', {});
    expect(ack).toMatchObject({
      ok: true,
      calls: [],
      presence: [{ userId: 'alice', status: 'online' }],
    });
    client.close();
  });

  it.each([
    ['no token', {}],
    ['a non-string token', { token: 42 }],
    ['garbage', { token: 'not.a.jwt' }],
  ])('refuses %s as unauthorized', async (_label, auth) => {
    const refused = await connectError(server.url, auth);
    expect(refused.data?.code).toBe('unauthorized');
  });

  it('refuses a token signed with another secret (forged)', async () => {
    const forged = await hs('HS256', claims, new TextEncoder().encode('x'.repeat(40)));
    expect((await connectError(server.url, { token: forged })).data?.code).toBe('unauthorized');
  });

  it('refuses alg none', async () => {
    const none = new UnsecuredJWT(claims).setSubject('alice').setExpirationTime('1h').encode();
    expect((await connectError(server.url, { token: none })).data?.code).toBe('unauthorized');
  });

  it('refuses HS512 even with the right secret (algorithm pinned)', async () => {
    const token = await hs('HS512');
    expect((await connectError(server.url, { token })).data?.code).toBe('unauthorized');
  });

  it('refuses an RS256 token', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(privateKey);
    expect((await connectError(server.url, { token })).data?.code).toBe('unauthorized');
  });

  it('refuses an expired token with token-expired', async () => {
    const token = await mintTestToken({
      sub: 'alice',
      tenant: 'acme',
      role: 'agent',
      expiresIn: Math.floor(Date.now() / 1000) - 60,
    });
    const refused = await connectError(server.url, { token });
    expect(refused.data).toMatchObject({ code: 'token-expired' });
  });

  it.each([
    ['no exp', new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('alice')],
    ['no sub', new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h')],
    [
      'no tenant',
      new SignJWT({ role: 'agent' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('a')
        .setExpirationTime('1h'),
    ],
    [
      'a bad role',
      new SignJWT({ tenant: 'acme', role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('a')
        .setExpirationTime('1h'),
    ],
  ])('refuses a token with %s', async (_label, jwt) => {
    const token = await jwt.sign(secretKey);
    expect((await connectError(server.url, { token })).data?.code).toBe('unauthorized');
  });

  it('disconnects a connection when its token expires, honouring the handshake clock skew', async () => {
    // exp one second ago: inside the 5 s clock tolerance, so the handshake accepts it, and the
    // connection must then live until exp + 5 s (not be dropped at once for being past exp).
    const exp = Math.floor(Date.now() / 1000) - 1;
    const token = await mintTestToken({
      sub: 'alice',
      tenant: 'acme',
      role: 'agent',
      expiresIn: exp,
    });
    const client = await connectClient(server.url, token);
    const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
    expect(await emitAck(client, 'heartbeat', {}, 2_000)).toEqual({ ok: true });
    expect(await disconnected).toBe('io server disconnect');
  });

  it('uses the same token as Bearer on REST', async () => {
    const token = await server.mintToken({ sub: 'alice', tenant: 'acme', role: 'agent' });
    const ok = await fetch(`${server.url}/api/calls`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    const none = await fetch(`${server.url}/api/calls`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const expired = await mintTestToken({ sub: 'a', tenant: 'acme', role: 'agent', expiresIn: 1 });
    const res = await fetch(`${server.url}/api/presence?userIds=a`, {
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'token-expired' } });
  });
});

describe('handshake auth (JWKS)', () => {
  let server: TestServer;
  let jwks: Server;
  let keys: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    keys = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const { port } = jwks.address() as AddressInfo;
    server = await startTestServer({ auth: { jwksUrl: `http://127.0.0.1:${port}/jwks.json` } });
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((r) => jwks.close(r));
  });

  it('accepts a token signed by a key from the JWKS', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(keys.privateKey);
    const client = await connectClient(server.url, token);
    expect(client.connected).toBe(true);
    client.close();
  });

  it('refuses an HS256 token in JWKS mode', async () => {
    const token = await hs('HS256');
    expect((await connectError(server.url, { token })).data?.code).toBe('unauthorized');
  });
});

describe('configuration of auth', () => {
  it('refuses a short HS256 secret', async () => {
    await expect(startTestServer({ auth: { jwtSecret: 'short' } })).rejects.toThrow(/at least 32/);
  });
});

describe('logging', () => {
  it('never writes tokens to the logs, even at debug level', async () => {
    let output = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const server = await startTestServer({ logger: pino({ level: 'debug' }, sink) });
    try {
      const good = await server.mintToken({ sub: 'alice', tenant: 'acme', role: 'agent' });
      const client = await connectClient(server.url, good);
      await emitAck(client, 'heartbeat', {});
      client.close();
      const forged = await hs('HS256', claims, new TextEncoder().encode('y'.repeat(40)));
      await connectError(server.url, { token: forged });
      await fetch(`${server.url}/api/calls`, { headers: { authorization: `Bearer ${forged}` } });
      // Valid token on REST too, on a route that succeeds and on one that answers an error.
      const listed = await fetch(`${server.url}/api/calls`, {
        headers: { authorization: `Bearer ${good}` },
      });
      expect(listed.status).toBe(200);
      const refused = await fetch(`${server.url}/api/livekit/token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${good}`, 'content-type': 'application/json' },
        body: JSON.stringify({ callId: 'nope' }),
      });
      expect(refused.status).toBe(404);
      expect(output).toContain('handshake refused');
      for (const token of [good, forged]) {
        expect(output).not.toContain(token);
        expect(output).not.toContain(token.split('.')[2]);
      }
    } finally {
      await server.close();
    }
  });
});
