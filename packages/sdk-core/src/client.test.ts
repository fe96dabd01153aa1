import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, SynapseError, type ConnectionState } from './index';
import { startFixture, type Fixture } from '@synapse-calling/test-utils/sdk/sdk-fixtures';
import { waitForEvent, waitUntil } from '@synapse-calling/test-utils/sdk/sdk-events';

let fx: Fixture;
beforeEach(async () => {
  fx = await startFixture();
});
afterEach(async () => {
  await fx.close();
});

/** Asserts that `promise` rejects with a SynapseError of `code`. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<SynapseError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SynapseError);
  expect((err as SynapseError).code).toBe(code);
  return err as SynapseError;
}

describe('connection', () => {
  it('connects, reports each state, knows the user from the token, and disconnects idempotently', async () => {
    const client = fx.client('alice');
    const states: ConnectionState[] = [];
    client.on('connectionStateChanged', (s) => states.push(s));
    const before = client.getSnapshot();
    expect(before.connectionState).toBe('disconnected');

    await client.connect();
    expect(client.connectionState).toBe('connected');
    expect(client.user).toEqual({ id: 'alice', tenant: 'acme', name: 'ALICE', role: 'agent' });
    const snap = client.getSnapshot();
    expect(snap).not.toBe(before);
    expect(snap.connectionState).toBe('connected');
    expect(client.getSnapshot()).toBe(snap); // stable identity until something changes

    await client.disconnect();
    await client.disconnect();
    expect(states).toEqual(['connecting', 'connected', 'disconnected']);
    expect(client.getSnapshot().connectionState).toBe('disconnected');
  });

  it('connects with a static token and can connect again after disconnecting', async () => {
    const token = await fx.server.mintToken({ sub: 'sam', tenant: 'acme', role: 'customer' });
    const client = createClient({ url: fx.server.url, token, idleTimeoutMs: false });
    expect(client.user?.name).toBe('sam'); // no name claim: falls back to the id
    await client.connect();
    await client.disconnect();
    await client.connect();
    expect(client.connectionState).toBe('connected');
    await client.disconnect();
  });

  it('rejects a bad token with unauthorized and says so through the error event', async () => {
    const client = createClient({ url: fx.server.url, token: 'not-a-jwt', idleTimeoutMs: false });
    const errorEvent = waitForEvent(client, 'error');
    await rejectsWith(client.connect(), 'unauthorized');
    expect((await errorEvent).code).toBe('unauthorized');
    expect(client.connectionState).toBe('disconnected');
  });

  it('rejects an expired token with token-expired when there is no provider to ask', async () => {
    const token = await fx.server.mintToken({
      sub: 'old',
      tenant: 'acme',
      role: 'agent',
      expiresIn: Math.floor(Date.now() / 1000) - 60,
    });
    const client = createClient({ url: fx.server.url, token, idleTimeoutMs: false });
    await rejectsWith(client.connect(), 'token-expired');
  });

  it('asks the tokenProvider when the given token has expired', async () => {
    const expired = await fx.server.mintToken({
      sub: 'eve',
      tenant: 'acme',
      role: 'agent',
      expiresIn: Math.floor(Date.now() / 1000) - 60,
    });
    let calls = 0;
    const client = createClient({
      url: fx.server.url,
      token: expired,
      tokenProvider: () => {
        calls++;
        return fx.server.mintToken({ sub: 'eve', tenant: 'acme', role: 'agent' });
      },
      idleTimeoutMs: false,
    });
    await client.connect();
    expect(calls).toBeGreaterThanOrEqual(1);
    await client.disconnect();
  });

  it('rejects a pending connect() with cancelled when disconnect() is called or the signal aborts', async () => {
    const a = fx.client('carl');
    const pending = a.connect();
    void a.disconnect();
    await rejectsWith(pending, 'cancelled');
    expect(a.connectionState).toBe('disconnected');

    const b = fx.client('dora');
    const controller = new AbortController();
    const aborted = b.connect({ signal: controller.signal });
    controller.abort();
    await rejectsWith(aborted, 'cancelled');
    expect(b.connectionState).toBe('disconnected');
  });

  it('fails requests with not-connected before connect()', async () => {
    const client = fx.client('nina');
    await rejectsWith(client.call('bob'), 'not-connected');
    await rejectsWith(client.presence.setStatus('dnd'), 'not-connected');
  });

  it('turns a missing acknowledgement into a timeout error', async () => {
    // The server swallows set-status on every connection: no acknowledgement ever comes. (This
    // middleware goes before the server's own, which handles every event itself.)
    fx.server.synapse.namespace.prependListener('connection', (socket: MiddlewareHost) => {
      socket.use(([event], next) => {
        if (event !== 'set-status') next();
      });
    });
    const client = await fx.connect('tim', { ackTimeoutMs: 300 });
    await rejectsWith(client.presence.setStatus('dnd'), 'timeout');
    expect(client.presence.status).toBe('online'); // rolled back
  });
});

/** What the test needs of a server-side socket. */
interface MiddlewareHost {
  use(fn: (packet: unknown[], next: () => void) => void): void;
}

describe('reconnection', () => {
  it('reconnects after the server drops the connection, with a fresh token from the provider', async () => {
    const client = await fx.connect('rita', { reconnect: { initialDelayMs: 100 } });
    const before = fx.tokenCalls.get('rita') ?? 0;
    const reconnecting = waitForEvent(client, 'connectionStateChanged', {
      filter: (s) => s === 'reconnecting',
    });
    const back = waitForEvent(client, 'connectionStateChanged', {
      filter: (s) => s === 'connected',
    });
    fx.server.synapse.namespace.disconnectSockets();
    await reconnecting;
    await back;
    expect(fx.tokenCalls.get('rita')).toBeGreaterThan(before);
  });

  it('reconnects after the transport closes under it', async () => {
    const client = await fx.connect('tess', { reconnect: { initialDelayMs: 100 } });
    const back = waitForEvent(client, 'connectionStateChanged', {
      filter: (s) => s === 'connected',
    });
    for (const socket of fx.server.synapse.namespace.sockets.values()) socket.conn.close();
    await back;
    expect(client.connectionState).toBe('connected');
  });

  it('refreshes a short-lived token: the server ends the connection at expiry and the client comes back', async () => {
    const client = await fx.connect('kim', { expiresIn: '3s', reconnect: { initialDelayMs: 100 } });
    const first = fx.tokenCalls.get('kim') ?? 0;
    await waitForEvent(client, 'connectionStateChanged', {
      filter: (s) => s === 'reconnecting',
      timeoutMs: 15_000,
    });
    await waitForEvent(client, 'connectionStateChanged', { filter: (s) => s === 'connected' });
    expect(fx.tokenCalls.get('kim')).toBeGreaterThan(first);
    expect(client.user?.id).toBe('kim');
  });

  it('watches again after a reconnect: presence changes still arrive', async () => {
    const alice = await fx.connect('alice', { reconnect: { initialDelayMs: 100 } });
    const bob = await fx.connect('bob');
    const seen: string[] = [];
    alice.presence.watch('bob', (p) => seen.push(p.status));
    await waitUntil(alice.subscribe, () => alice.presence.get('bob')?.status === 'online');
    expect(seen).toContain('online');

    const back = waitForEvent(alice, 'connectionStateChanged', {
      filter: (s) => s === 'connected',
    });
    for (const socket of fx.server.synapse.namespace.sockets.values()) {
      if (socket.data.identity.userId === 'alice') socket.disconnect(true);
    }
    await back;
    const dnd = waitForEvent(alice, 'presenceChanged', { filter: (p) => p.status === 'dnd' });
    await bob.presence.setStatus('dnd');
    expect((await dnd).userId).toBe('bob');
  });
});
