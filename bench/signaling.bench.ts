/**
 * Signalling cost of a call, against a bare Socket.IO relay measured side by side in the same
 * run (these machines are noisy; only the ratio means something). Run: `npm run bench`.
 *
 * - baseline: client A emits with an ack, a plain Socket.IO server forwards to client B, B gets
 *   it; then A emits a second acked event (the same two round trips a rung-then-cancelled call
 *   makes).
 * - synapse: A `initiate-call`s B through the real reference server (JWT-authenticated sockets,
 *   zod validation, the call state machine, SQLite call log on disk), B gets `incoming-call`,
 *   A cancels with `end-call`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { io as ioClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import {
  startTestServer,
  waitForEvent,
  type TestClient,
  type TestServer,
} from '@synapse-calling/test-utils/server';

let synapse: TestServer;
let alice: TestClient;
let bob: TestClient;

let raw: Server;
let rawA: Socket;
let rawB: Socket;

beforeAll(async () => {
  synapse = await startTestServer({
    dataDir: mkdtempSync(join(tmpdir(), 'synapse-bench-')),
    rateLimit: false,
  });
  alice = await synapse.connect({ sub: 'alice', tenant: 'acme', role: 'agent' });
  bob = await synapse.connect({ sub: 'bob', tenant: 'acme', role: 'agent' });

  const http = createServer();
  raw = new Server(http);
  raw.on('connection', (socket) => {
    socket.on('relay', (payload: unknown, ack: (r: unknown) => void) => {
      socket.broadcast.emit('relayed', payload);
      ack({ ok: true });
    });
    socket.on('done', (_payload: unknown, ack: (r: unknown) => void) => ack({ ok: true }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const connect = () =>
    new Promise<Socket>((resolve) => {
      const s = ioClient(url, { transports: ['websocket'], forceNew: true });
      s.once('connect', () => resolve(s));
    });
  [rawA, rawB] = await Promise.all([connect(), connect()]);
});

afterAll(async () => {
  rawA?.close();
  rawB?.close();
  raw?.close();
  await synapse?.close();
});

describe('ring then cancel (2 round trips + 1 fan-out)', () => {
  bench(
    'baseline: bare Socket.IO relay',
    async () => {
      const got = new Promise<void>((r) => rawB.once('relayed', () => r()));
      await rawA.emitWithAck('relay', { to: 'b' });
      await got;
      await rawA.emitWithAck('done', {});
    },
    { time: 3_000, warmupTime: 500 },
  );

  bench(
    'synapse: initiate-call → incoming-call → end-call',
    async () => {
      const rang = waitForEvent(bob, 'incoming-call');
      const ack = await alice.emitWithAck('initiate-call', { to: 'bob' });
      if (!ack.ok) throw new Error(ack.error.message);
      await rang;
      const ended = await alice.emitWithAck('end-call', { callId: ack.call.id });
      if (!ended.ok) throw new Error(ended.error.message);
    },
    { time: 3_000, warmupTime: 500 },
  );
});
