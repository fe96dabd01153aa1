import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient, SynapseError, type ClientOptions, type SynapseClient } from './index';
import { startFixture, type Fixture } from '@synapse-calling/test-utils/sdk/sdk-fixtures';
import { waitForEvent, waitUntil } from '@synapse-calling/test-utils/sdk/sdk-events';
import { freePort } from '@synapse-calling/test-utils/server';

/** The host app's token endpoint: answers whatever `answer` says now, and counts requests. */
interface TokenEndpoint {
  url: string;
  hits: number;
  answer: { status: number; body: string };
}

let fx: Fixture;
let http: Server;
let endpoint: TokenEndpoint;
const clients: SynapseClient[] = [];

beforeEach(async () => {
  fx = await startFixture();
  endpoint = { url: '', hits: 0, answer: { status: 401, body: 'Sign in first' } };
  http = createServer((_req, res) => {
    endpoint.hits++;
    res.writeHead(endpoint.answer.status).end(endpoint.answer.body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/synapse/token`;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  await new Promise((resolve) => http.close(resolve));
  await fx.close();
});

function client(options: Partial<ClientOptions>): SynapseClient {
  const c = createClient({
    url: fx.server.url,
    idleTimeoutMs: false,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    ...options,
  });
  clients.push(c);
  return c;
}

/** What `connect()` rejected with, and every `error` event until then. */
async function failedConnect(
  c: SynapseClient,
): Promise<{ err: SynapseError; events: SynapseError[] }> {
  const events: SynapseError[] = [];
  c.on('error', (e) => events.push(e));
  const err = await c.connect().then(
    () => {
      throw new Error('connected, but a failure was expected');
    },
    (e: unknown) => e as SynapseError,
  );
  expect(err).toBeInstanceOf(SynapseError);
  return { err, events };
}

const mint = () => fx.server.mintToken({ sub: 'ann', tenant: 'acme', role: 'agent' });

describe('a failing token endpoint (tokenUrl)', () => {
  it('fails with token-provider-failed and the HTTP status once, retries with backoff, then connects', async () => {
    const c = client({ tokenUrl: endpoint.url });
    const { err, events } = await failedConnect(c);
    expect(err.code).toBe('token-provider-failed');
    expect(err.tokenFailure).toEqual({ kind: 'http', status: 401 });
    expect(err.message).toContain('HTTP 401');
    // Never `unauthorized` from a handshake sent without a token: the provider's failure is the news.
    expect(events).toEqual([err]);
    expect(c.connectionError).toBe(err);
    expect(c.getSnapshot().connectionError).toBe(err);

    // The client keeps trying, honestly `connecting`, and reports the run of failures once.
    await waitUntil(c.subscribe, () => endpoint.hits >= 3 || undefined, { what: 'retries' });
    expect(c.connectionState).toBe('connecting');
    expect(events).toHaveLength(1);

    endpoint.answer = { status: 200, body: JSON.stringify({ token: await mint() }) };
    await waitForEvent(c, 'connectionStateChanged', { filter: (s) => s === 'connected' });
    expect(c.connectionError).toBeNull();
    expect(c.user?.id).toBe('ann');
  });

  it('gives up after reconnect.maxAttempts, disconnected with the token failure', async () => {
    const c = client({ tokenUrl: endpoint.url, reconnect: { initialDelayMs: 20, maxAttempts: 2 } });
    const { err, events } = await failedConnect(c);
    await waitForEvent(c, 'connectionStateChanged', { filter: (s) => s === 'disconnected' });
    expect(endpoint.hits).toBe(3); // the first attempt and two retries
    expect(c.connectionError?.code).toBe('token-provider-failed');
    expect(events).toEqual([err]);
  });

  it('names a network failure and an answer that is not a token', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/synapse/token`;
    const unreachable = await failedConnect(client({ tokenUrl: closed }));
    expect(unreachable.err.tokenFailure).toEqual({ kind: 'network' });
    expect(unreachable.err.cause).toBeInstanceOf(Error);

    endpoint.answer = { status: 200, body: '<!doctype html><title>Sign in</title>' };
    const html = await failedConnect(client({ tokenUrl: endpoint.url }));
    expect(html.err.code).toBe('token-provider-failed');
    expect(html.err.tokenFailure).toEqual({ kind: 'not-a-token' });
  });

  it('accepts a bare JWT as well as JSON { token }', async () => {
    endpoint.answer = { status: 200, body: `${await mint()}\n` };
    const bare = client({ tokenUrl: endpoint.url });
    await bare.connect();
    expect(bare.user?.id).toBe('ann');

    // A provider that reads a JSON answer with r.text() gets the same result.
    const json = JSON.stringify({ token: await mint() });
    const viaText = client({ tokenProvider: async () => json });
    await viaText.connect();
    expect(viaText.connectionState).toBe('connected');
  });
});

describe('a failing tokenProvider', () => {
  it('keeps the thrown error as the cause', async () => {
    const thrown = new Error('session expired');
    const { err, events } = await failedConnect(
      client({
        tokenProvider: () => Promise.reject(thrown),
      }),
    );
    expect(err).toMatchObject({
      code: 'token-provider-failed',
      tokenFailure: { kind: 'provider' },
    });
    expect(err.cause).toBe(thrown);
    expect(err.message).toContain('session expired');
    expect(events).toEqual([err]);
  });

  it('reconnects with a token that is still valid when the provider fails, and says so once', async () => {
    let fail = false;
    const c = client({
      tokenProvider: () => (fail ? Promise.reject(new Error('backend down')) : mint()),
    });
    await c.connect();
    fail = true;
    const error = waitForEvent(c, 'error');
    const back = waitForEvent(c, 'connectionStateChanged', { filter: (s) => s === 'connected' });
    fx.server.synapse.namespace.disconnectSockets();
    expect((await error).code).toBe('token-provider-failed');
    await back;
    expect(c.connectionError).toBeNull();
  });
});

describe('connection state', () => {
  it('is disconnected, not connecting, after connect() timed out', async () => {
    const c = createClient({
      url: `http://127.0.0.1:${await freePort()}`,
      token: await mint(),
      idleTimeoutMs: false,
      connectTimeoutMs: 300,
    });
    clients.push(c);
    const { err } = await failedConnect(c);
    expect(err.code).toBe('timeout');
    expect(c.connectionState).toBe('disconnected');
    expect(c.connectionError).toBe(err);
    await c.disconnect();
    expect(c.connectionError).toBeNull();
  });
});
