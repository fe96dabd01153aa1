/**
 * Node fixtures for sdk-core tests: a real reference server per test and clients of it that are
 * disconnected afterwards.
 */
import { createClient, type ClientOptions, type SynapseClient } from '@synapse-calling/sdk-core';
import type { Role } from '@synapse-calling/protocol';
import { startTestServer, type TestServer, type TestServerOptions } from '../server/server';

export interface Fixture {
  server: TestServer;
  /** A connected client of `sub` (tokens minted on demand, so reconnects get fresh ones). */
  connect(sub: string, opts?: ClientFixtureOptions): Promise<SynapseClient>;
  /** Like `connect` without connecting. */
  client(sub: string, opts?: ClientFixtureOptions): SynapseClient;
  /** How many times each user's tokenProvider was called. */
  tokenCalls: Map<string, number>;
  close(): Promise<void>;
}

export interface ClientFixtureOptions extends Partial<ClientOptions> {
  role?: Role;
  tenant?: string;
  expiresIn?: string;
}

export async function startFixture(options: TestServerOptions = {}): Promise<Fixture> {
  const server = await startTestServer({
    ringTimeoutMs: 3_000,
    reconnectGraceMs: 5_000,
    presenceGraceMs: 300,
    ...options,
  });
  const clients: SynapseClient[] = [];
  const tokenCalls = new Map<string, number>();
  const client = (sub: string, opts: ClientFixtureOptions = {}) => {
    const { role = 'agent', tenant = 'acme', expiresIn = '1h', ...rest } = opts;
    const c = createClient({
      url: server.url,
      tokenProvider: () => {
        tokenCalls.set(sub, (tokenCalls.get(sub) ?? 0) + 1);
        return server.mintToken({ sub, tenant, role, name: sub.toUpperCase(), expiresIn });
      },
      idleTimeoutMs: false,
      ...rest,
    });
    clients.push(c);
    return c;
  };
  return {
    server,
    client,
    tokenCalls,
    async connect(sub, opts) {
      const c = client(sub, opts);
      await c.connect();
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.disconnect()));
      await server.close();
    },
  };
}
