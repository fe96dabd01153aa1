import type { Socket } from 'node:net';
import { renderToString } from 'react-dom/server';
import { useSyncExternalStore } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, SynapseError } from '@synapse-calling/sdk-core';
import { startTestServer, type TestServer } from '@synapse-calling/test-utils/server';
import { SynapseProvider, useSynapse } from './index';
import { Panel } from './testing/panel';

// Server rendering in Node, against a real server that must see nothing: no window, no
// document, no socket, no token request.
let server: TestServer;
let connections = 0;
const countConnection = (_socket: Socket) => void connections++;

beforeAll(async () => {
  server = await startTestServer();
  server.httpServer.on('connection', countConnection);
});
afterAll(() => server?.close());

/** A token provider that counts how often it was asked (a connect attempt asks it first). */
function countingTokens() {
  const asked = { count: 0 };
  const tokenProvider = async () => {
    asked.count++;
    return server.mintToken({ sub: 'ann', tenant: 'acme', role: 'agent', name: 'Ann' });
  };
  return { asked, tokenProvider };
}

/** Anything async that a render set off (a socket, a fetch) has had its chance to start. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('server rendering', () => {
  it('renders every hook with a client the app made: the empty state, nothing connects', async () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined');
    expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
    const { asked, tokenProvider } = countingTokens();
    const client = createClient({ url: server.url, tokenProvider });
    const before = connections;

    const html = renderToString(
      <SynapseProvider client={client}>
        <Panel watch={['bob']} />
      </SynapseProvider>,
    );

    expect(html).toContain('data-state="disconnected"');
    expect(html).toContain('data-status="unknown"');
    expect(html).toContain('<ul data-part="ringing"></ul>');
    expect(html).toContain('data-part="call" data-state="none"');
    expect(client.connectionState).toBe('disconnected');
    expect(client.presence.getAll()).toEqual([]);
    await settle();
    expect(asked.count).toBe(0);
    expect(connections).toBe(before);
  });

  it('renders with options (the provider makes the client): nothing connects either', async () => {
    const { asked, tokenProvider } = countingTokens();
    const before = connections;
    const html = renderToString(
      <SynapseProvider options={{ url: server.url, tokenProvider }}>
        <Panel watch={['bob', 'carl']} />
      </SynapseProvider>,
    );
    expect(html).toContain('data-user="carl" data-status="unknown"');
    await settle();
    expect(asked.count).toBe(0);
    expect(connections).toBe(before);
  });

  it('renders the empty state even for a client that is connected (what hydration will see)', async () => {
    const client = createClient({
      url: server.url,
      token: await server.mintToken({ sub: 'ann', tenant: 'acme', role: 'agent', name: 'Ann' }),
    });
    await client.connect();
    try {
      expect(client.getSnapshot().connectionState).toBe('connected');
      const html = renderToString(
        <SynapseProvider client={client} autoConnect={false}>
          <Panel watch={[]} />
        </SynapseProvider>,
      );
      expect(html).toContain('data-state="disconnected"');
      expect(html).toContain('nobody yet');
    } finally {
      await client.disconnect();
    }
  });

  it('is what a bare useSyncExternalStore without getServerSnapshot cannot do', () => {
    // The failure the docs' first React snippet ran into, kept as the reason for the third argument.
    const client = createClient({ url: server.url, token: 'a.b.c' });
    function Bare() {
      const snap = useSyncExternalStore(client.subscribe, client.getSnapshot);
      return <p>{snap.connectionState}</p>;
    }
    expect(() => renderToString(<Bare />)).toThrow(/getServerSnapshot/);
  });

  it('a hook outside the provider throws a typed error that says what is missing', () => {
    function Orphan() {
      useSynapse();
      return null;
    }
    let thrown: unknown;
    try {
      renderToString(<Orphan />);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SynapseError);
    expect(thrown).toMatchObject({ code: 'invalid-state' });
    expect((thrown as Error).message).toContain('<SynapseProvider>');
  });
});
