/**
 * Issue 11, point 1: the rate limit holds in the standalone server started with only the required
 * settings — through `configFromEnv`, and through the `synapse-server` bin itself.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  agent,
  connectClient,
  flood,
  mintTestToken,
  startSynapseBin,
  TEST_JWT_SECRET,
} from '@synapse-calling/test-utils/server';
import { configFromEnv } from '../env-config';
import { startSynapseServer } from '../standalone';

const REQUIRED_ONLY = { SYNAPSE_JWT_SECRET: TEST_JWT_SECRET };

/** The defaults docs/server.md promises, written out rather than read from DEFAULTS. */
const DOCUMENTED_LIMITS = {
  rateLimit: { perSecond: 20, burst: 40 },
  userRateLimit: { perSecond: 60 },
  maxConnectionsPerUser: 10,
  maxPresenceSubscriptions: 2000,
  handshakeRateLimit: { perSecond: 20 },
  handshakeTimeoutMs: 5000,
  maxInboundBytesPerSecond: 262144,
  restRateLimit: { perUserPerSecond: 20, perIpPerSecond: 50 },
  trustProxy: 0,
};

/** A burst of 40 plus what refills while the flood is read (20/s): never the whole flood. */
function expectLimited(counts: Record<string, number>, sent: number): void {
  expect(counts.ok).toBeGreaterThanOrEqual(40);
  expect(counts.ok).toBeLessThanOrEqual(50);
  expect(counts['rate-limited']).toBe(sent - (counts.ok ?? 0));
}

describe('the rate limit with only the required settings', () => {
  it('configFromEnv puts the documented limits in force', async () => {
    const server = await startSynapseServer({
      ...configFromEnv(REQUIRED_ONLY),
      port: 0,
      host: '127.0.0.1',
      dataDir: ':memory:',
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(server.synapse.limits).toEqual(DOCUMENTED_LIMITS);
      const client = await connectClient(server.url, await mintTestToken(agent('flooder')));
      expectLimited(await flood(client, 'heartbeat', {}, 150), 150);
      client.close();
    } finally {
      await server.close();
    }
  });

  it('the synapse-server bin limits a flood from one connection', async () => {
    const bin = await startSynapseBin(REQUIRED_ONLY);
    try {
      const client = await connectClient(bin.url, await mintTestToken(agent('flooder')));
      expectLimited(await flood(client, 'heartbeat', {}, 150), 150);
      client.close();
    } finally {
      await bin.stop();
    }
  });
});
