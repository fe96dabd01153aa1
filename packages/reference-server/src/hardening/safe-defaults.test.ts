import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { AccessToken } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import {
  connectClient,
  connectError,
  emitAck,
  freePort,
  TEST_JWT_SECRET,
  useRedis,
  useSynapseBin,
  useTestServers,
  type TestServer,
} from '@synapse-calling/test-utils/server';
import { createTokenVerifier } from '../auth';
import { ConfigError, configFromEnv } from '../env-config';

const base = { SYNAPSE_JWT_SECRET: TEST_JWT_SECRET };
const LONG_SECRET = 'w'.repeat(32);
const HOUR = 3600;

function configError(env: Record<string, string>): string {
  try {
    configFromEnv(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('configFromEnv accepted the environment');
}

/** A user token expiring `seconds` from now (and issued now, or at `issuedAt`). */
function tokenFor(seconds: number, extra: { iat?: number; iss?: string } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ tenant: 'acme', role: 'agent' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .setIssuedAt(extra.iat ?? now)
    .setExpirationTime(now + seconds);
  if (extra.iss) jwt.setIssuer(extra.iss);
  return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

describe('settings refused by configFromEnv', () => {
  it('refuses a JWKS URL over plain http, except on this machine', () => {
    expect(configError({ SYNAPSE_JWKS_URL: 'http://idp.example.com/jwks' })).toMatch(
      /SYNAPSE_JWKS_URL must use https/,
    );
    for (const local of [
      'http://localhost:8080/jwks',
      'http://127.0.0.1/jwks',
      'http://[::1]:9000/jwks',
      'https://idp.example.com/jwks',
    ]) {
      expect(configFromEnv({ SYNAPSE_JWKS_URL: local }).auth.jwksUrl).toBe(local);
    }
  });

  it('requires a webhook secret of at least 32 characters', () => {
    const hook = { ...base, SYNAPSE_WEBHOOK_URL: 'https://crm.example.com/hooks' };
    expect(configError({ ...hook, SYNAPSE_WEBHOOK_SECRET: 'whsec-short' })).toMatch(
      /SYNAPSE_WEBHOOK_SECRET must be at least 32 characters/,
    );
    expect(configFromEnv({ ...hook, SYNAPSE_WEBHOOK_SECRET: LONG_SECRET }).webhook).toEqual({
      url: 'https://crm.example.com/hooks',
      secret: LONG_SECRET,
    });
  });

  it('reads the token lifetime limit and the required iss/aud', () => {
    expect(
      configFromEnv({
        ...base,
        SYNAPSE_JWT_MAX_LIFETIME_SEC: '3600',
        SYNAPSE_JWT_ISSUER: 'https://crm.example.com',
        SYNAPSE_JWT_AUDIENCE: 'synapse',
      }).auth,
    ).toEqual({
      jwtSecret: TEST_JWT_SECRET,
      maxTokenLifetimeSec: 3600,
      issuer: 'https://crm.example.com',
      audience: 'synapse',
    });
    expect(configError({ ...base, SYNAPSE_JWT_MAX_LIFETIME_SEC: '0' })).toMatch(
      /SYNAPSE_JWT_MAX_LIFETIME_SEC must be at least 60/,
    );
  });
});

describe('the same rules for library users', () => {
  const start = useTestServers();

  it('refuses a JWKS URL over plain http and a short webhook secret', async () => {
    expect(() => createTokenVerifier({ jwksUrl: 'http://idp.example.com/jwks' })).toThrow(
      /jwksUrl must use https/,
    );
    expect(() => createTokenVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks' })).not.toThrow();
    await expect(
      start({ webhook: { url: 'http://127.0.0.1:1/hook', secret: 'short' } }),
    ).rejects.toThrow(/webhook.secret must be at least 32 characters/);
  });

  it('refuses tokens that live longer than 24 hours by default', async () => {
    const verify = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET });
    await expect(verify(await tokenFor(23 * HOUR))).resolves.toMatchObject({ userId: 'alice' });
    await expect(verify(await tokenFor(48 * HOUR))).rejects.toMatchObject({
      data: { code: 'unauthorized' },
    });
    // Issued two days ago, still valid for an hour: a 49-hour token.
    const now = Math.floor(Date.now() / 1000);
    await expect(verify(await tokenFor(HOUR, { iat: now - 48 * HOUR }))).rejects.toMatchObject({
      data: { code: 'unauthorized' },
    });
    const lenient = createTokenVerifier({ jwtSecret: TEST_JWT_SECRET, maxTokenLifetimeSec: 0 });
    await expect(lenient(await tokenFor(48 * HOUR))).resolves.toMatchObject({ userId: 'alice' });
  });
});

describe('synapse-server (the bin) with only SYNAPSE_JWT_SECRET', () => {
  const bin = useSynapseBin();

  async function serve(env: Record<string, string> = {}): Promise<string> {
    return bin.run({ ...base, PORT: '0', HOST: '127.0.0.1', ...env }).listening();
  }

  it('accepts a 1-hour token and refuses a 48-hour one', async () => {
    const url = await serve();
    const client = await connectClient(url, await tokenFor(HOUR));
    expect(await emitAck(client, 'heartbeat', {})).toEqual({ ok: true });
    client.close();
    expect(await connectError(url, { token: await tokenFor(48 * HOUR) })).toMatchObject({
      data: { code: 'unauthorized' },
    });
  });

  it('requires iss when SYNAPSE_JWT_ISSUER is set', async () => {
    const url = await serve({ SYNAPSE_JWT_ISSUER: 'https://crm.example.com' });
    expect(await connectError(url, { token: await tokenFor(HOUR) })).toMatchObject({
      data: { code: 'unauthorized' },
    });
    const client = await connectClient(
      url,
      await tokenFor(HOUR, { iss: 'https://crm.example.com' }),
    );
    client.close();
  });

  it.each([
    [{ SYNAPSE_JWKS_URL: 'http://idp.example.com/jwks' }, /SYNAPSE_JWKS_URL must use https/],
    [
      { ...base, SYNAPSE_WEBHOOK_URL: 'https://x.example.com', SYNAPSE_WEBHOOK_SECRET: 'short' },
      /SYNAPSE_WEBHOOK_SECRET must be at least 32/,
    ],
  ])('refuses to start with %j', async (env, message) => {
    const proc = bin.run({ PORT: '0', HOST: '127.0.0.1', ...env });
    expect(await proc.exited).toBe(2);
    expect(proc.err().trim().split('\n')).toEqual([expect.stringMatching(message)]);
  });
});

describe('LiveKit webhooks', () => {
  const start = useTestServers();
  const redis = useRedis();
  const key = 'devkey';
  const secret = 'livekit-test-secret-0123456789abcdef';
  const livekit = async () => ({
    url: `ws://127.0.0.1:${await freePort()}`,
    apiKey: key,
    apiSecret: secret,
  });

  /** Posts a webhook signed as livekit-server signs it, or with the given token claims. */
  async function post(
    server: TestServer,
    event: Record<string, unknown>,
    claims?: { nbf: number; exp: number },
  ): Promise<Response> {
    const body = JSON.stringify(event);
    const sha256 = createHash('sha256').update(body).digest('base64');
    let authorization: string;
    if (claims) {
      authorization = await new SignJWT({ sha256 })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(key)
        .setNotBefore(claims.nbf)
        .setExpirationTime(claims.exp)
        .sign(new TextEncoder().encode(secret));
    } else {
      const token = new AccessToken(key, secret);
      token.sha256 = sha256;
      authorization = await token.toJwt();
    }
    return fetch(`${server.url}/api/livekit/webhook`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/webhook+json' },
      body,
    });
  }
  const roomStarted = () => ({
    event: 'room_started',
    id: `EV_${randomUUID()}`,
    room: { name: 'r' },
  });

  it('refuses an event without an id', async () => {
    const server = await start({ livekit: await livekit() });
    const res = await post(server, { event: 'room_started', room: { name: 'r' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid-payload' } });
    expect((await post(server, roomStarted())).status).toBe(200);
  });

  it('refuses a signature token older than the accepted age, even if not expired', async () => {
    const server = await start({ livekit: await livekit() });
    const now = Math.floor(Date.now() / 1000);
    const stale = await post(server, roomStarted(), { nbf: now - 600, exp: now + HOUR });
    expect(stale.status).toBe(401);
    const fresh = await post(server, roomStarted(), { nbf: now - 5, exp: now + 300 });
    expect(fresh.status).toBe(200);
  });

  it('de-duplicates across nodes in Redis mode', async () => {
    const options = {
      livekit: await livekit(),
      redis: { url: redis.url, keyPrefix: redis.prefix() },
    };
    const [a, b] = [await start(options), await start(options)];
    const event = roomStarted();
    expect(await (await post(a, event)).json()).toEqual({ ok: true });
    expect(await (await post(b, event)).json()).toEqual({ ok: true, duplicate: true });
  });
});
