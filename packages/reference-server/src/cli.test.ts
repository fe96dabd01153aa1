import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import {
  connectClient,
  emitAck,
  mintTestToken,
  TEST_JWT_SECRET,
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
      SYNAPSE_WEBHOOK_SECRET: 'whsec',
      LIVEKIT_URL: 'wss://lk.example.com',
      LIVEKIT_API_KEY: 'key',
      LIVEKIT_API_SECRET: 'secret',
      SYNAPSE_ICE_SERVERS: '[{"urls":"stun:stun.example.com:3478"}]',
      REDIS_URL: 'redis://:pw@redis.internal:6379/2',
    });
    expect(full).toMatchObject({
      port: 8080,
      allowedOrigins: ['https://crm.example.com', 'http://localhost:5173'],
      ringTimeoutMs: 20000,
      reconnectGraceMs: 5000,
      webhook: { url: 'https://crm.example.com/hooks/calls', secret: 'whsec' },
      livekit: { url: 'wss://lk.example.com', apiKey: 'key', apiSecret: 'secret' },
      iceServers: [{ urls: 'stun:stun.example.com:3478' }],
      redis: { url: 'redis://:pw@redis.internal:6379/2' },
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
    [{ ...base, SYNAPSE_PUSH: 'maybe' }, /SYNAPSE_PUSH must be on or off/],
    [{ ...base, SYNAPSE_VAPID_SUBJECT: 'ops' }, /SYNAPSE_VAPID_SUBJECT must be a mailto:/],
    [{ ...base, SYNAPSE_VAPID_PUBLIC_KEY: 'BPk' }, /go together/],
    [{ ...base, SYNAPSE_PUSH_ALLOWED_ENDPOINTS: 'push.local' }, /SYNAPSE_PUSH_ALLOWED_ENDPOINTS/],
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
  let dir: string;
  let cli: string;

  beforeAll(async () => {
    // Inside node_modules/.cache so that the bundle resolves its external dependencies.
    const cache = fileURLToPath(new URL('../../../node_modules/.cache/', import.meta.url));
    mkdirSync(cache, { recursive: true });
    dir = mkdtempSync(join(cache, 'synapse-cli-'));
    cli = join(dir, 'cli.mjs');
    // Bundle the CLI from source (dependencies stay external) so the test needs no prior build.
    await build({
      entryPoints: [fileURLToPath(new URL('./cli.ts', import.meta.url))],
      outfile: cli,
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(env: Record<string, string>) {
    const child = spawn(process.execPath, [cli], {
      env: { PATH: process.env.PATH ?? '', SYNAPSE_DATA_DIR: join(dir, 'data'), ...env },
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    return { child, exited, out: () => stdout, err: () => stderr };
  }

  it('stops with one line naming the bad setting', async () => {
    const proc = run({ SYNAPSE_JWT_SECRET: TEST_JWT_SECRET, SYNAPSE_RECONNECT_GRACE_MS: 'soon' });
    expect(await proc.exited).toBe(2);
    const lines = proc.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/SYNAPSE_RECONNECT_GRACE_MS must be a whole number/);
  });

  it('serves and shuts down gracefully on SIGTERM', async () => {
    const proc = run({ SYNAPSE_JWT_SECRET: TEST_JWT_SECRET, PORT: '0', HOST: '127.0.0.1' });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no listening line:\n${proc.out()}${proc.err()}`)),
        20_000,
      );
      proc.child.stdout.on('data', () => {
        const match = /"url":"(http:[^"]+)"/.exec(proc.out());
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    // A connected client is told goodbye (server-side disconnect), not left hanging.
    const client = await connectClient(
      url,
      await mintTestToken({ sub: 'alice', tenant: 'acme', role: 'agent' }),
    );
    expect(await emitAck(client, 'heartbeat', {})).toEqual({ ok: true });
    const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
    proc.child.kill('SIGTERM');
    expect(await disconnected).toBe('io server disconnect');
    expect(await proc.exited).toBe(0);
    expect(proc.out()).toContain('shutting down');
    expect(proc.out()).not.toContain(TEST_JWT_SECRET);
  });
});
