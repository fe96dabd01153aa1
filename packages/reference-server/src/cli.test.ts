import { describe, expect, it } from 'vitest';
import {
  connectClient,
  emitAck,
  mintTestToken,
  TEST_JWT_SECRET,
  useSynapseBin,
} from '@synapse-calling/test-utils/server';
import { ConfigError, configFromEnv } from './env-config';

const base = { SYNAPSE_JWT_SECRET: TEST_JWT_SECRET };

describe('configFromEnv', () => {
  it('applies defaults and parses every setting', () => {
    const defaults = configFromEnv(base);
    expect(defaults).toMatchObject({
      port: 3000,
      dataDir: './data',
      allowedOrigins: [],
      auth: { jwtSecret: TEST_JWT_SECRET },
    });
    // Unset settings are left out, so the server's own defaults apply.
    expect(Object.keys(defaults).sort()).toEqual(
      ['allowedOrigins', 'auth', 'dataDir', 'port', 'rateLimit'].sort(),
    );
    expect(defaults.rateLimit).toEqual({});
    const full = configFromEnv({
      ...base,
      PORT: '8080',
      SYNAPSE_ALLOWED_ORIGINS: 'https://crm.example.com, http://localhost:5173',
      SYNAPSE_DATA_DIR: '/var/lib/synapse',
      SYNAPSE_RING_TIMEOUT_MS: '20000',
      SYNAPSE_RECONNECT_GRACE_MS: '5000',
      SYNAPSE_WEBHOOK_URL: 'https://crm.example.com/hooks/calls',
      SYNAPSE_WEBHOOK_SECRET: 'whsec-0123456789abcdef0123456789abcdef',
      LIVEKIT_URL: 'wss://lk.example.com',
      LIVEKIT_API_KEY: 'key',
      LIVEKIT_API_SECRET: 'secret',
      SYNAPSE_ICE_SERVERS: '[{"urls":"stun:stun.example.com:3478"}]',
      REDIS_URL: 'redis://:pw@redis.internal:6379/2',
      SYNAPSE_DATABASE_URL: 'postgres://synapse:pw@db.internal:5432/synapse',
      SYNAPSE_DATABASE_POOL_SIZE: '20',
      SYNAPSE_RATE_LIMIT_PER_SEC: '10',
      SYNAPSE_USER_RATE_LIMIT_PER_SEC: '30',
      SYNAPSE_MAX_CONNECTIONS_PER_USER: '5',
      SYNAPSE_MAX_PRESENCE_SUBSCRIPTIONS: '500',
      SYNAPSE_HANDSHAKE_RATE_LIMIT_PER_SEC: '50',
      SYNAPSE_HANDSHAKE_TIMEOUT_MS: '3000',
      SYNAPSE_REST_IP_RATE_LIMIT_PER_SEC: '100',
      SYNAPSE_TRUST_PROXY: '1',
      SYNAPSE_METRICS_TOKEN: 'm'.repeat(32),
      SYNAPSE_METRICS_PORT: '9464',
      SYNAPSE_METRICS_HOST: '10.0.0.5',
    });
    expect(full).toMatchObject({
      rateLimit: { perSecond: 10 },
      userRateLimit: { perSecond: 30 },
      maxConnectionsPerUser: 5,
      maxPresenceSubscriptions: 500,
      handshakeRateLimit: { perSecond: 50 },
      handshakeTimeoutMs: 3000,
      restRateLimit: { perIpPerSecond: 100 },
      trustProxy: 1,
      metricsToken: 'm'.repeat(32),
      metricsPort: 9464,
      metricsHost: '10.0.0.5',
    });
    // Only what is set is passed on; the server fills in the rest from its defaults.
    expect(full.restRateLimit).toEqual({ perIpPerSecond: 100 });
    expect(full).toMatchObject({
      port: 8080,
      allowedOrigins: ['https://crm.example.com', 'http://localhost:5173'],
      ringTimeoutMs: 20000,
      reconnectGraceMs: 5000,
      webhook: {
        url: 'https://crm.example.com/hooks/calls',
        secret: 'whsec-0123456789abcdef0123456789abcdef',
      },
      livekit: { url: 'wss://lk.example.com', apiKey: 'key', apiSecret: 'secret' },
      iceServers: [{ urls: 'stun:stun.example.com:3478' }],
      redis: { url: 'redis://:pw@redis.internal:6379/2' },
      database: { url: 'postgres://synapse:pw@db.internal:5432/synapse', poolSize: 20 },
    });
  });

  it.each([
    [{}, /SYNAPSE_JWT_SECRET/],
    [{ SYNAPSE_JWT_SECRET: '' }, /SYNAPSE_JWT_SECRET/],
    [{ SYNAPSE_JWT_SECRET: 'short' }, /SYNAPSE_JWT_SECRET must be at least 32/],
    [{ ...base, SYNAPSE_JWKS_URL: 'https://idp.example.com/jwks' }, /only one/],
    [{ ...base, PORT: 'eighty' }, /PORT must be a whole number/],
    [{ ...base, PORT: '70000' }, /PORT must be at most 65535/],
    [{ ...base, SYNAPSE_RING_TIMEOUT_MS: '-5' }, /SYNAPSE_RING_TIMEOUT_MS/],
    [{ ...base, SYNAPSE_ALLOWED_ORIGINS: 'crm.example.com' }, /SYNAPSE_ALLOWED_ORIGINS/],
    [{ ...base, SYNAPSE_WEBHOOK_URL: 'https://x.example.com' }, /SYNAPSE_WEBHOOK_SECRET/],
    [{ ...base, LIVEKIT_URL: 'wss://lk.example.com' }, /LIVEKIT_API_KEY/],
    [{ ...base, SYNAPSE_ICE_SERVERS: '{oops' }, /SYNAPSE_ICE_SERVERS must be JSON/],
    [{ ...base, SYNAPSE_ICE_SERVERS: '{"urls":"stun:x"}' }, /SYNAPSE_ICE_SERVERS/],
    [{ ...base, REDIS_URL: 'localhost:6379' }, /REDIS_URL must be a redis:\|rediss: URL/],
    [{ ...base, REDIS_URL: 'http://localhost:6379' }, /REDIS_URL/],
    [{ ...base, SYNAPSE_DATABASE_URL: 'mysql://db:3306/x' }, /SYNAPSE_DATABASE_URL must be a/],
    [{ ...base, SYNAPSE_DATABASE_POOL_SIZE: '0' }, /SYNAPSE_DATABASE_POOL_SIZE/],
    [{ ...base, SYNAPSE_PUSH: 'maybe' }, /SYNAPSE_PUSH must be on or off/],
    [{ ...base, SYNAPSE_VAPID_SUBJECT: 'ops' }, /SYNAPSE_VAPID_SUBJECT must be a mailto:/],
    [{ ...base, SYNAPSE_VAPID_PUBLIC_KEY: 'BPk' }, /go together/],
    [{ ...base, SYNAPSE_PUSH_ALLOWED_ENDPOINTS: 'push.local' }, /SYNAPSE_PUSH_ALLOWED_ENDPOINTS/],
    [{ ...base, SYNAPSE_METRICS_TOKEN: 'short' }, /SYNAPSE_METRICS_TOKEN must be at least 32/],
    [{ ...base, SYNAPSE_HANDSHAKE_TIMEOUT_MS: '10' }, /SYNAPSE_HANDSHAKE_TIMEOUT_MS/],
    [{ ...base, SYNAPSE_MAX_CONNECTIONS_PER_USER: '0' }, /SYNAPSE_MAX_CONNECTIONS_PER_USER/],
    [{ ...base, SYNAPSE_TRUST_PROXY: 'yes' }, /SYNAPSE_TRUST_PROXY must be a whole number/],
  ])('refuses %j with one clear line', (env, message) => {
    let error: unknown;
    try {
      configFromEnv(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('treats variables set to the empty string as unset', () => {
    const config = configFromEnv({
      ...base,
      PORT: '',
      LIVEKIT_URL: '',
      SYNAPSE_WEBHOOK_URL: '',
      REDIS_URL: '',
    });
    expect(config.port).toBe(3000);
    for (const key of ['livekit', 'webhook', 'redis']) expect(config).not.toHaveProperty(key);
  });
});

describe('synapse-server CLI', () => {
  const bin = useSynapseBin();

  it('stops with one line naming the bad setting', async () => {
    const proc = bin.run({
      SYNAPSE_JWT_SECRET: TEST_JWT_SECRET,
      SYNAPSE_RECONNECT_GRACE_MS: 'soon',
    });
    expect(await proc.exited).toBe(2);
    const lines = proc.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SYNAPSE_RECONNECT_GRACE_MS must be a whole number/);
  });

  // SIGTERM (a rolling restart) drains: the client's transport is closed so that it reconnects,
  // elsewhere behind a load balancer (test/e2e/cluster). SIGINT (Ctrl-C) says goodbye at once.
  it.each([
    ['SIGTERM', 'transport close'],
    ['SIGINT', 'io server disconnect'],
  ] as const)('serves and shuts down gracefully on %s', async (signal, reason) => {
    const proc = bin.run({
      SYNAPSE_JWT_SECRET: TEST_JWT_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const url = await proc.listening();
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    // A connected client is told to go (reconnect elsewhere, or goodbye), not left hanging.
    const client = await connectClient(
      url,
      await mintTestToken({ sub: 'alice', tenant: 'acme', role: 'agent' }),
    );
    expect(await emitAck(client, 'heartbeat', {})).toEqual({ ok: true });
    const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
    proc.child.kill(signal);
    expect(await disconnected).toBe(reason);
    expect(await proc.exited).toBe(0);
    expect(proc.out()).toContain('shutting down');
    expect(proc.out()).not.toContain(TEST_JWT_SECRET);
  });
});
