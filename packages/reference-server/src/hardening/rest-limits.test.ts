/**
 * Issue 11, point 7: the REST API is rate-limited per user and per address (429 with
 * Retry-After), `/metrics` is served only with a bearer secret or on its own listener, and a
 * scrape in Redis mode costs two counts, not a read of every call.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  agent,
  connectRegistered,
  customer,
  emitAck,
  ringCall,
  startRedis,
  useTestServer,
  useTestServers,
  type TestRedis,
} from '@synapse-calling/test-utils/server';
import { startSynapseServer } from '../standalone';

const METRICS_TOKEN = 'metrics-secret-0123456789abcdef-0123';

async function get(url: string, token?: string): Promise<Response> {
  return fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
}

describe('REST rate limits', () => {
  const server = useTestServer();

  it('answer one user flooding the API 429 rate-limited, with Retry-After', async () => {
    const token = await server.mintToken(agent('alice'));
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => get(`${server.url}/api/calls`, token)),
    );
    const limited = answers.filter((r) => r.status === 429);
    expect(answers.length - limited.length).toBeGreaterThanOrEqual(20);
    expect(answers.length - limited.length).toBeLessThanOrEqual(40);
    const first = limited[0];
    expect(Number(first?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await first?.json()).toMatchObject({ error: { code: 'rate-limited' } });
    // Another user is served meanwhile.
    const other = await get(`${server.url}/api/calls`, await server.mintToken(agent('bob')));
    expect(other.status).toBe(200);
  });

  it('limit one address too, whoever the requests claim to be', async () => {
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) => get(`${server.url}/api/calls`, `forged-${i}`)),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(50);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(100);
    expect(statuses.filter((s) => s === 429).length).toBe(
      120 - statuses.filter((s) => s === 401).length,
    );
    // Health checks (load balancers share an address with nobody else) are never limited.
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('/metrics', () => {
  const server = useTestServer();

  it('is not served on the public listener by default', async () => {
    expect((await get(`${server.url}/metrics`)).status).toBe(404);
  });

  it('with metricsToken, needs it as a bearer token', async () => {
    await server.restart({ metricsToken: METRICS_TOKEN });
    expect((await get(`${server.url}/metrics`)).status).toBe(401);
    expect((await get(`${server.url}/metrics`, 'wrong')).status).toBe(401);
    const scrape = await get(`${server.url}/metrics`, METRICS_TOKEN);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/^synapse_connections \d+$/m);
  });

  it('standalone, is served on a listen address of its own', async () => {
    const standalone = await startSynapseServer({
      auth: { jwtSecret: 'standalone-secret-0123456789abcdef-0123' },
      port: 0,
      host: '127.0.0.1',
      dataDir: ':memory:',
      metricsPort: 0,
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(standalone.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(standalone.metricsUrl).not.toBe(standalone.url);
      const scrape = await get(`${standalone.metricsUrl}/metrics`);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toMatch(/^synapse_connections 0$/m);
      expect((await get(`${standalone.url}/metrics`)).status).toBe(404);
    } finally {
      await standalone.close();
    }
  });
});

describe('/metrics in Redis mode', () => {
  let redis: TestRedis;
  const start = useTestServers({ metricsToken: METRICS_TOKEN });
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('counts calls by state without reading every call', async () => {
    const redisOptions = { url: redis.url, keyPrefix: 'metrics:' };
    const a = await start({ redis: redisOptions });
    const b = await start({ redis: redisOptions });
    const alice = await connectRegistered(a, agent('alice'));
    const bob = await connectRegistered(b, agent('bob'));
    const carol = await connectRegistered(a, customer('carol'));
    const dave = await connectRegistered(b, agent('dave'));
    const active = await ringCall(alice, bob, 'bob');
    await emitAck(bob, 'accept-call', { callId: active.id });
    await ringCall(carol, dave, 'dave');

    const readEveryCall = vi.spyOn(b.synapse.stores.registry, 'all');
    const text = await (await get(`${b.url}/metrics`, METRICS_TOKEN)).text();
    expect(text).toMatch(/^synapse_calls\{state="ringing"\} 1$/m);
    expect(text).toMatch(/^synapse_calls\{state="active"\} 1$/m);
    expect(readEveryCall).not.toHaveBeenCalled();

    await emitAck(alice, 'end-call', { callId: active.id });
    const after = await (await get(`${a.url}/metrics`, METRICS_TOKEN)).text();
    expect(after).toMatch(/^synapse_calls\{state="ringing"\} 1$/m);
    expect(after).toMatch(/^synapse_calls\{state="active"\} 0$/m);
    for (const c of [alice, bob, carol, dave]) c.close();
  });
});
