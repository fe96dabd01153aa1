import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallListResponse } from '@synapse-calling/protocol';
import {
  agent,
  connectRegistered,
  customer,
  waitFor,
  emitAck,
  ringCall as startCall,
  startTestServer,
  usePostgres,
  waitForEvent,
  type TestServer,
  type TestServerOptions,
} from '@synapse-calling/test-utils/server';
import type { CallEvent } from './options';

/** Agents named `Agent <id>`, so the log's names are known. */
const namedAgent = (sub: string, tenant = 'acme') => agent(sub, tenant, `Agent ${sub}`);
const cleanup: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const postgres = usePostgres();

// Clients wait until their connection is registered: with PostgreSQL that takes a round trip
// after the Socket.IO connect, and a call placed at once would find the callee offline.

/**
 * Every test runs on both durable call logs. `fresh`: an empty log for one server; `durable`: a
 * log that a second server started with the same options finds again (a restart).
 */
interface Backend {
  name: string;
  fresh(): Promise<TestServerOptions>;
  durable(): Promise<TestServerOptions>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    fresh: async () => ({}),
    durable: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'synapse-restart-'));
      cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
      return { dataDir: dir };
    },
  },
  {
    name: 'PostgreSQL',
    fresh: async () => ({ database: { url: await postgres.createDatabase() } }),
    durable: async () => ({ database: { url: await postgres.createDatabase() } }),
  },
];

async function start(options: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer({ ringTimeoutMs: 5_000, ...options });
  cleanup.push(() => server.close());
  return server;
}

async function listCalls(server: TestServer, sub: string, query = '', tenant = 'acme') {
  const token = await server.mintToken(namedAgent(sub, tenant));
  const res = await fetch(`${server.url}/api/calls${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as CallListResponse;
}

describe.each(backends)('on $name', (backend) => {
  describe('call log', () => {
    it('lists the user’s own calls newest first, in progress included, cursor-paged', async () => {
      const server = await start(await backend.fresh());
      const alice = await connectRegistered(server, namedAgent('alice'));
      const bob = await connectRegistered(server, namedAgent('bob'));
      const carol = await connectRegistered(server, namedAgent('carol'));
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const call = await startCall(alice, bob, 'bob');
        await emitAck(alice, 'end-call', { callId: call.id });
        ids.push(call.id);
      }
      const notMine = await startCall(carol, bob, 'bob');
      await emitAck(carol, 'end-call', { callId: notMine.id });
      const live = await startCall(alice, carol, 'carol');
      ids.push(live.id);

      const first = await listCalls(server, 'alice', '?limit=2');
      expect(first.calls.map((c) => c.id)).toEqual([ids[3], ids[2]]);
      expect(first.calls[0]).toMatchObject({
        state: 'ringing',
        from: { id: 'alice', name: 'Agent alice' },
      });
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await listCalls(server, 'alice', `?limit=2&cursor=${first.nextCursor}`);
      expect(second.calls.map((c) => c.id)).toEqual([ids[1], ids[0]]);
      expect(second.nextCursor).toBeNull();
      expect(second.calls[0]).toMatchObject({
        state: 'ended',
        endReason: 'cancelled',
        endedBy: 'alice',
      });

      // Bob sees the three calls with alice and the one with carol, nothing of alice–carol.
      expect((await listCalls(server, 'bob')).calls).toHaveLength(4);
      // Same user id in another tenant: nothing.
      expect((await listCalls(server, 'alice', '', 'globex')).calls).toEqual([]);
    });

    it('keeps one row for a transferred call: its new agent and the legs, who talked when', async () => {
      const server = await start(await backend.fresh());
      const carol = await connectRegistered(server, customer('carol', 'acme', 'Carol'));
      const alice = await connectRegistered(server, namedAgent('alice'));
      const bob = await connectRegistered(server, namedAgent('bob'));
      const call = await startCall(carol, alice, 'alice');
      await emitAck(alice, 'accept-call', { callId: call.id });
      const rings = waitForEvent(bob, 'incoming-call');
      await emitAck(alice, 'transfer-call', { callId: call.id, to: 'bob' });
      await rings;
      await emitAck(bob, 'accept-call', { callId: call.id });
      await emitAck(carol, 'end-call', { callId: call.id });

      const [row] = (await listCalls(server, 'bob')).calls;
      expect(row).toMatchObject({ id: call.id, to: { id: 'bob' }, endReason: 'completed' });
      expect(row?.legs).toEqual([
        {
          party: { id: 'alice', name: 'Agent alice', role: 'agent' },
          from: row?.answeredAt,
          until: expect.any(Number),
        },
        { party: { id: 'bob', name: 'Agent bob', role: 'agent' }, from: row?.legs?.[0]?.until },
      ]);
      expect((await listCalls(server, 'carol')).calls.map((c) => c.id)).toEqual([call.id]);
      // Alice handed the call over and is on neither end now; her history still lists it.
      expect((await listCalls(server, 'alice')).calls.map((c) => c.id)).toEqual([call.id]);
      expect((await listCalls(server, 'dave')).calls).toEqual([]);
    });

    it('records answer time, duration, end reason and who ended it; hands each transition to onCallEvent', async () => {
      const events: CallEvent[] = [];
      const server = await start({
        ...(await backend.fresh()),
        onCallEvent: (e) => void events.push(e),
      });
      const alice = await connectRegistered(server, namedAgent('alice'));
      const bob = await connectRegistered(server, namedAgent('bob'));
      const call = await startCall(alice, bob, 'bob');
      await emitAck(bob, 'accept-call', { callId: call.id });
      await emitAck(bob, 'end-call', { callId: call.id });
      const entry = await server.synapse.stores.callLog.get(call.id);
      expect(entry).toMatchObject({
        tenant: 'acme',
        media: 'p2p',
        call: {
          state: 'ended',
          endReason: 'completed',
          endedBy: 'bob',
          answeredAt: expect.any(Number),
        },
      });
      expect(entry?.durationMs).toBe((entry?.call.endedAt ?? 0) - (entry?.call.answeredAt ?? 0));
      await waitFor(() => events.length >= 3, { what: 'three call events' });
      expect(events.map((e) => e.type)).toEqual(['call.ringing', 'call.accepted', 'call.ended']);
      expect(events[2]).toMatchObject({
        tenant: 'acme',
        call: { id: call.id, endReason: 'completed' },
      });
      expect(new Set(events.map((e) => e.id)).size).toBe(3);
    });

    it('POSTs HMAC-signed webhooks and retries a failed delivery', async () => {
      const secret = 'webhook-secret-0123456789abcdef0123';
      const received: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
      let failures = 1;
      const hook: Server = createServer((req, res) => {
        let body = '';
        req.on('data', (d: Buffer) => (body += d.toString()));
        req.on('end', () => {
          if (failures-- > 0) {
            res.statusCode = 503;
            return res.end();
          }
          received.push({ headers: req.headers, body });
          res.end('ok');
        });
      });
      await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
      cleanup.push(() => new Promise<void>((r) => hook.close(() => r())));
      const { port } = hook.address() as AddressInfo;
      const server = await start({
        ...(await backend.fresh()),
        webhook: { url: `http://127.0.0.1:${port}/hook`, secret, retryBaseMs: 50 },
      });
      const alice = await connectRegistered(server, namedAgent('alice'));
      const bob = await connectRegistered(server, namedAgent('bob'));
      const call = await startCall(alice, bob, 'bob');
      await emitAck(alice, 'end-call', { callId: call.id });
      await waitFor(() => received.length >= 2, { what: 'two webhook deliveries' });
      const types = received.map((r) => (JSON.parse(r.body) as CallEvent).type).sort();
      expect(types).toEqual(['call.ended', 'call.ringing']);
      for (const { headers, body } of received) {
        const timestamp = String(headers['x-synapse-timestamp']);
        const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
        expect(headers['x-synapse-signature']).toBe(`sha256=${expected}`);
        expect(headers['x-synapse-event-id']).toBe((JSON.parse(body) as CallEvent).id);
      }
    });
  });

  describe('restart', () => {
    it('resumes an active call from the call log; a ringing call ends failed; an absent party ends it disconnected', async () => {
      const options = {
        ...(await backend.durable()),
        reconnectGraceMs: 2_000,
        presenceGraceMs: 2_000,
      };

      const before = await start(options);
      const alice = await connectRegistered(before, namedAgent('alice'));
      const bob = await connectRegistered(before, namedAgent('bob'));
      const carol = await connectRegistered(before, namedAgent('carol'));
      const dave = await connectRegistered(before, namedAgent('dave'));
      const active = await startCall(alice, bob, 'bob');
      await emitAck(bob, 'accept-call', { callId: active.id });
      const ringing = await startCall(carol, dave, 'dave');
      await before.close();

      const after = await start(options);
      expect((await after.synapse.stores.callLog.get(ringing.id))?.call).toMatchObject({
        state: 'ended',
        endReason: 'failed',
      });
      const alice2 = await connectRegistered(after, namedAgent('alice'));
      const sync = await emitAck(alice2, 'sync', {});
      expect(sync).toMatchObject({
        ok: true,
        calls: [
          { call: { id: active.id, state: 'active' }, media: { kind: 'p2p', polite: false } },
        ],
      });
      // Bob never comes back: after the grace window the call ends for alice.
      const ended = await waitForEvent(alice2, 'call-ended');
      expect(ended.call).toMatchObject({
        id: active.id,
        endReason: 'disconnected',
        endedBy: 'bob',
      });
      const { calls } = await listCalls(after, 'alice');
      expect(calls[0]).toMatchObject({ id: active.id, state: 'ended', endReason: 'disconnected' });
    });

    it('keeps lastSeen across a restart', async () => {
      const durable = await backend.durable();
      const first = await start({ ...durable, presenceGraceMs: 200 });
      const watcher = await connectRegistered(first, namedAgent('watcher'));
      await connectRegistered(first, namedAgent('bob'));
      await first.close();
      const second = await start(durable);
      const watcher2 = await connectRegistered(second, namedAgent('watcher'));
      const ack = await emitAck(watcher2, 'subscribe-presence', { userIds: ['bob'] });
      expect(ack).toMatchObject({
        ok: true,
        presence: [{ userId: 'bob', status: 'offline', lastSeen: expect.any(Number) }],
      });
      watcher.close();
    });
  });
});
