/**
 * A throwaway Redis for tests: `redis-server` from Debian (installed by
 * scripts/ensure-test-deps.sh) on a free loopback port, no persistence. Stop it in `afterAll`.
 *
 * ```ts
 * const redis = await startRedis();
 * const server = await startTestServer({ redis: { url: redis.url } });
 * await redis.stop();
 * ```
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createConnection } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { stopper } from './child';
import { freePort, waitFor } from './ports';
import type { TestClient, TestServer, TestTokenClaims } from './server';

export interface TestRedis {
  /** `redis://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Kills the server and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = stopper(child);
  try {
    await waitFor(() => ping(port), { timeoutMs: 10_000, what: `redis-server on port ${port}` });
  } catch (err) {
    await stop();
    throw new Error(`redis-server did not start: ${stderr.trim()}`, { cause: err });
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}

/** A Redis for the test file, started before its tests and stopped after them. */
export interface RedisFixture {
  /** `redis://127.0.0.1:PORT` of the running Redis (inside tests and their hooks). */
  readonly url: string;
  /** A key prefix no other test uses, so that nothing one test leaves behind reaches another. */
  prefix(): string;
}

/** Starts one Redis for the test file (`beforeAll`) and stops it at the end (`afterAll`). */
export function useRedis(): RedisFixture {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return {
    get url() {
      if (!redis) throw new Error('the test Redis runs only inside tests and their hooks');
      return redis.url;
    },
    prefix: () => `t-${randomUUID().slice(0, 8)}:`,
  };
}

/** True once the server answers PING with PONG (a plain TCP connect can beat the listener setup). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Connects a client to one node and waits until that node registered the connection in the
 * shared store. Registration is asynchronous (a Redis round trip after the client's `connect`),
 * so a call placed at once from another node could otherwise still find the callee offline.
 */
export async function connectRegistered(
  node: TestServer,
  claims: TestTokenClaims,
): Promise<TestClient> {
  const client = await node.connect(claims);
  await waitFor(
    async () =>
      (await node.synapse.stores.presence.connections(claims.tenant, claims.sub)).some(
        (c) => c.socketId === client.id,
      ),
    { what: `the connection of ${claims.sub} to be registered` },
  );
  return client;
}
