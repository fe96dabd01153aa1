import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallInfo } from '@synapse-calling/protocol';
import {
  agent,
  waitFor,
  emitAck,
  recordEvents,
  ringCall as ring,
  startTestServer,
  waitForEvent,
  type TestServer,
  type TestServerOptions,
} from '@synapse-calling/test-utils/server';
import type { CallEvent } from './options';
import { openDatabase } from './stores/sqlite';
import { SqliteCallLog } from './stores/sqlite-call-log';

const cleanup: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function start(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer({ ringTimeoutMs: 20_000, ...options });
  cleanup.push(() => server.close());
  return server;
}

/**
 * A local HTTP stand-in for LiveKit's room API (Twirp over JSON) whose CreateRoom answers only
 * when the test releases it, so that a call can be hung up while its answer is setting up media.
 * (A real livekit-server answers too fast to hit that window on purpose.)
 */
async function slowRoomApi() {
  const log: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let sawCreate!: () => void;
  const createRequested = new Promise<void>((resolve) => (sawCreate = resolve));
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const method = req.url?.split('/').pop() ?? '';
      log.push(method);
      const answer = () => {
        res.setHeader('content-type', 'application/json');
        res.end(method === 'CreateRoom' ? body : '{}');
        log.push(`${method}:answered`);
      };
      if (method === 'CreateRoom') {
        sawCreate();
        void released.then(answer);
      } else {
        answer();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => {
    release();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}`, log, release, createRequested };
}

describe('racing transitions', () => {
  it('a hang-up while the answer sets up media wins: the late accept changes nothing', async () => {
    const api = await slowRoomApi();
    const hooks: CallEvent[] = [];
    const server = await start({
      livekit: { url: api.url, apiKey: 'devkey', apiSecret: 'secret' },
      onCallEvent: (e) => void hooks.push(e),
    });
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const call = await ring(alice, bob, 'bob');
    const atAlice = recordEvents(alice, ['call-accepted', 'call-ended']);

    const accepting = emitAck(bob, 'accept-call', { callId: call.id });
    await api.createRequested;
    expect(await emitAck(alice, 'end-call', { callId: call.id })).toMatchObject({
      ok: true,
      call: { state: 'ended', endedBy: 'alice' },
    });
    api.release();
    expect(await accepting).toMatchObject({ ok: false, error: { code: 'invalid-state' } });

    // A round trip on alice's connection: a late call-accepted would have arrived before it.
    await emitAck(alice, 'heartbeat', {});
    expect(atAlice.map((e) => e.name)).toEqual(['call-ended']);
    // The call log keeps the end; nothing would come back to life at the next restart.
    expect((await server.synapse.stores.callLog.get(call.id))?.call.state).toBe('ended');
    expect(await server.synapse.stores.callLog.listUnfinished()).toEqual([]);
    expect(hooks.map((e) => e.type)).toEqual(['call.ringing', 'call.ended']);
    // The room that was created after the call ended is deleted, not leaked.
    await waitFor(
      () => api.log.slice(api.log.indexOf('CreateRoom:answered')).includes('DeleteRoom'),
      { what: 'the late room to be deleted' },
    );
  });

  it('accept and cancel at the same moment: one wins and both parties agree', async () => {
    const server = await start();
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const call = await ring(alice, bob, 'bob');
    const endedForBob = waitForEvent(bob, 'call-ended');
    const [accepted, cancelled] = await Promise.all([
      emitAck(bob, 'accept-call', { callId: call.id }),
      emitAck(alice, 'end-call', { callId: call.id }),
    ]);
    // The cancel always succeeds: either before the answer (cancelled) or as a hang-up after it.
    if (!cancelled.ok) throw new Error(cancelled.error.code);
    const { endReason } = cancelled.call;
    expect(accepted.ok ? 'completed' : 'cancelled').toBe(endReason);
    if (!accepted.ok) expect(accepted.error.code).toBe('invalid-state');
    expect((await endedForBob).call).toMatchObject({ id: call.id, endReason });
    expect((await server.synapse.stores.callLog.get(call.id))?.call).toMatchObject({
      state: 'ended',
      endReason,
    });
    expect(await server.synapse.stores.registry.all()).toEqual([]);
  });

  it('accept on one tab and reject on another at the same moment: exactly one wins', async () => {
    const server = await start();
    const alice = await server.connect(agent('alice'));
    const tab1 = await server.connect(agent('bob'));
    const tab2 = await server.connect(agent('bob'));
    const call = await ring(alice, tab1, 'bob');
    const [accepted, rejected] = await Promise.all([
      emitAck(tab1, 'accept-call', { callId: call.id }),
      emitAck(tab2, 'reject-call', { callId: call.id }),
    ]);
    expect([accepted.ok, rejected.ok].filter(Boolean)).toHaveLength(1);
    const loser = accepted.ok ? rejected : accepted;
    expect(loser).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
    const state = accepted.ok ? 'active' : 'ended';
    const logged = await server.synapse.stores.callLog.get(call.id);
    expect(logged?.call.state).toBe(state);
    if (!accepted.ok) expect(logged?.call.endReason).toBe('rejected');
    // A reject after the accept is a harmless no-op.
    expect(await emitAck(tab2, 'reject-call', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    expect((await server.synapse.stores.callLog.get(call.id))?.call.state).toBe(state);
  });
});

describe('call log', () => {
  it('never revives an ended call when a late write arrives', async () => {
    const db = openDatabase(':memory:');
    cleanup.push(() => void db.close());
    const log = new SqliteCallLog(db);
    const call: CallInfo = {
      id: 'c1',
      from: { id: 'alice', name: 'Alice', role: 'agent' },
      to: { id: 'bob', name: 'Bob', role: 'agent' },
      state: 'ringing',
      createdAt: 1_000,
      // As the server writes every call since the protocol gained it (the log derives it from media).
      mediaKind: 'p2p',
    };
    const entry = { tenant: 'acme', media: 'p2p' as const, durationMs: null };
    await log.write({ ...entry, call });
    const ended = {
      ...call,
      state: 'ended' as const,
      endedAt: 2_000,
      endReason: 'cancelled' as const,
    };
    await log.write({ ...entry, call: ended, durationMs: 0 });
    await log.write({ ...entry, call: { ...call, state: 'active', answeredAt: 1_500 } });
    expect((await log.get('c1'))?.call).toEqual(ended);
    expect(await log.listUnfinished()).toEqual([]);
  });
});
