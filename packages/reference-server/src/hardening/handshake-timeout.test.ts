/**
 * Issue 11, point 4: a connection that has not authenticated within a few seconds is closed, so
 * unauthenticated sockets cannot be held open (Socket.IO's own default is 45 s).
 */
import type { Manager } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { bareConnection, useTestServer } from '@synapse-calling/test-utils/server';

/** Resolves once the server closed the connection; rejects after `timeoutMs`. */
function closedByServer(manager: Manager, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still open after ${timeoutMs} ms`)),
      timeoutMs,
    );
    manager.once('close', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

describe('unauthenticated connections', () => {
  const server = useTestServer();

  it('are closed when they join no namespace within the default 5 s', async () => {
    const manager = await bareConnection(server.url);
    expect(await closedByServer(manager, 10_000)).toBe('transport close');
  });

  it('are closed after a refused token too, instead of being held open', async () => {
    // By hand: socket.io-client closes the connection itself after a refusal; an attacker's
    // client would not.
    const bare = await bareConnection(server.url);
    const engine = bare.engine as unknown as {
      send(data: string): void;
      on(event: 'message', listener: (data: unknown) => void): void;
    };
    const frames: unknown[] = [];
    engine.on('message', (data) => frames.push(data));
    engine.send(`0/call,${JSON.stringify({ token: 'not-a-token' })}`);
    expect(await closedByServer(bare, 10_000)).toBe('transport close');
    expect(frames).toEqual([expect.stringMatching(/^4\/call,.*"code":"unauthorized"/)]);
  });

  it('cannot stay in the main namespace, which needs no token', async () => {
    const mainNamespace = (await bareConnection(server.url)).socket('/');
    const outcome = new Promise<string>((resolve) => {
      mainNamespace.once('connect', () => resolve('connected'));
      mainNamespace.once('connect_error', () => resolve('refused'));
    });
    mainNamespace.connect();
    expect(await outcome).toBe('refused');
    mainNamespace.io.engine.close();
  });

  it('are closed after handshakeTimeoutMs when it is set', async () => {
    await server.restart({ handshakeTimeoutMs: 300 });
    const bare = await bareConnection(server.url);
    expect(await closedByServer(bare, 3000)).toBe('transport close');
  });
});
