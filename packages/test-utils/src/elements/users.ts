/**
 * Browser-test helpers: real users on the real reference server that the browser project's
 * global setup starts (`inject('serverUrl')`), tokens minted in the page with jose.
 */
import { createClient, type SynapseClient } from '@synapse-calling/sdk-core';
import { inject } from 'vitest';
import type {} from '../server/provided-context';
import { mintTestToken } from '../tokens';

export interface TestUser {
  id: string;
  name: string;
  role: 'agent' | 'customer';
  tenant: string;
}

const clients = new Set<SynapseClient>();

/** A tenant no other test uses, so presence and calls never leak between tests. */
export function freshTenant(): string {
  return `t-${crypto.randomUUID()}`;
}

/** Ada (agent), Carl (customer) and Otto (another agent) in a tenant of their own. */
export function freshUsers(): { agent: TestUser; customer: TestUser; other: TestUser } {
  const tenant = freshTenant();
  return {
    agent: { id: 'agent-1', name: 'Ada Agent', role: 'agent', tenant },
    customer: { id: 'cust-1', name: 'Carl Customer', role: 'customer', tenant },
    other: { id: 'agent-2', name: 'Otto Other', role: 'agent', tenant },
  };
}

export async function mintToken(
  user: TestUser,
  expiresIn: string | number = '10m',
): Promise<string> {
  const { id: sub, tenant, role, name } = user;
  return mintTestToken({ sub, tenant, role, name, expiresIn }, inject('jwtSecret'));
}

export function serverUrl(): string {
  return inject('serverUrl');
}

/** Creates (not connects) a client for `user`; `disconnectAll()` closes it. */
export async function clientFor(user: TestUser): Promise<SynapseClient> {
  const client = createClient({ url: serverUrl(), token: await mintToken(user) });
  clients.add(client);
  return client;
}

/** Creates and connects a client for `user`. */
export async function connectUser(user: TestUser): Promise<SynapseClient> {
  const client = await clientFor(user);
  await client.connect();
  return client;
}

/** Disconnects every client made by these helpers (call in afterEach). */
export async function disconnectAll(): Promise<void> {
  const all = [...clients];
  clients.clear();
  await Promise.all(all.map((c) => c.disconnect()));
}

/**
 * Resolves once `check()` is truthy, re-checking on every change of the client's snapshot store
 * and on every animation frame (Lit renders asynchronously), so tests wait for a state instead
 * of sleeping. Rejects after `timeoutMs` naming `what`.
 */
export function until<T>(
  check: () => T | undefined | null | false,
  {
    client,
    timeoutMs = 20_000,
    what = 'condition',
  }: { client?: SynapseClient; timeoutMs?: number; what?: string | (() => string) } = {},
): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanups: (() => void)[] = [];
    const finish = (fn: () => void) => {
      for (const cleanup of cleanups) cleanup();
      fn();
    };
    const test = () => {
      const value = check();
      if (value) finish(() => resolve(value));
    };
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new Error(
              `timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`,
            ),
          ),
        ),
      timeoutMs,
    );
    cleanups.push(() => clearTimeout(timer));
    if (client) cleanups.push(client.subscribe(test));
    let frame = requestAnimationFrame(function tick() {
      test();
      frame = requestAnimationFrame(tick);
    });
    cleanups.push(() => cancelAnimationFrame(frame));
  });
}
