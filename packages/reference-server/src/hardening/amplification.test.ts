import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallListResponse } from '@synapse-calling/protocol';
import {
  agent,
  emitAck,
  ringCall,
  useTestServers,
  waitFor,
  type TestServer,
} from '@synapse-calling/test-utils/server';
import type { CallEvent } from '../options';

const start = useTestServers();
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function history(server: TestServer, sub: string): Promise<CallListResponse['calls']> {
  const token = await server.mintToken(agent(sub));
  const res = await fetch(`${server.url}/api/calls?limit=100`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as CallListResponse).calls;
}

/** A webhook receiver answering `status()` to every POST, counting them. */
async function receiver(status: () => number): Promise<{ url: string; posts: () => number }> {
  let posts = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      posts++;
      res.statusCode = status();
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    posts: () => posts,
  };
}

/** A pino logger whose lines land in an array. */
function capturedLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as { level: number; msg: string });
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('refused call attempts', () => {
  it('200 attempts at a busy or dnd callee leave one history row and one event per pair', async () => {
    const events: CallEvent[] = [];
    // Without the rate limit: the history must stay bounded by itself.
    const server = await start({
      rateLimit: false,
      userRateLimit: false,
      onCallEvent: (e) => void events.push(e),
    });
    const mallory = await server.connect(agent('mallory'));
    const bob = await server.connect(agent('bob'));
    const dave = await server.connect(agent('dave'));
    const carol = await server.connect(agent('carol'));
    await emitAck(bob, 'set-status', { status: 'dnd' });
    const attempt = () => emitAck(mallory, 'initiate-call', { to: 'bob' });
    for (const ack of await Promise.all(Array.from({ length: 100 }, attempt))) {
      expect(ack).toMatchObject({ ok: false, error: { code: 'busy' } });
    }
    // Now busy in a call rather than dnd: still the same pair, still collapsed.
    await emitAck(bob, 'set-status', { status: 'online' });
    const call = await ringCall(dave, bob, 'bob');
    await emitAck(bob, 'accept-call', { callId: call.id });
    for (const ack of await Promise.all(Array.from({ length: 100 }, attempt))) {
      expect(ack).toMatchObject({ ok: false, error: { code: 'busy' } });
    }
    // Another caller is another pair.
    expect(await emitAck(carol, 'initiate-call', { to: 'bob' })).toMatchObject({
      error: { code: 'busy' },
    });

    const busyRows = (await history(server, 'bob')).filter((c) => c.endReason === 'busy');
    expect(busyRows.map((c) => c.from.id).sort()).toEqual(['carol', 'mallory']);
    expect((await history(server, 'mallory')).filter((c) => c.endReason === 'busy')).toHaveLength(
      1,
    );
    await waitFor(() => events.filter((e) => e.call.endReason === 'busy').length >= 2, {
      what: 'two busy events',
    });
    expect(events.filter((e) => e.call.endReason === 'busy')).toHaveLength(2);
  });
});

describe('webhook deliveries to a failing receiver', () => {
  it('are bounded, back off, count dead letters, and log a few lines, not one per event', async () => {
    let failing = true;
    const hook = await receiver(() => (failing ? 503 : 204));
    const { logger, lines } = capturedLogger();
    const server = await start({
      rateLimit: false,
      userRateLimit: false,
      logger,
      metricsToken: 'm'.repeat(32),
      webhook: { url: hook.url, secret: 's'.repeat(32), retryBaseMs: 100, maxQueue: 20 },
    });
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    // 100 call events: ringing then cancelled, 50 times.
    for (let i = 0; i < 50; i++) {
      const call = await ringCall(alice, bob, 'bob');
      await emitAck(alice, 'end-call', { callId: call.id });
    }
    const metric = async () => {
      const text = await (
        await fetch(`${server.url}/metrics`, {
          headers: { authorization: `Bearer ${'m'.repeat(32)}` },
        })
      ).text();
      return [...text.matchAll(/^synapse_webhook_dead_letters_total\{reason="[^"]+"\} (\d+)/gm)]
        .map((m) => Number(m[1]))
        .reduce((a, b) => a + b, 0);
    };
    // The queue holds 20: at least 80 events could not even be queued.
    await waitFor(async () => (await metric()) >= 80, { what: '80 dead letters' });
    const postsWhileFailing = hook.posts();
    // Fewer POSTs than events, where five attempts each would have made 500.
    expect(postsWhileFailing).toBeLessThan(100);

    failing = false;
    await waitFor(async () => hook.posts() > postsWhileFailing, {
      what: 'a delivery after the receiver recovered',
    });
    const webhookLines = lines.filter((l) => /webhook/i.test(l.msg));
    expect(webhookLines.length).toBeGreaterThan(0);
    expect(webhookLines.length).toBeLessThanOrEqual(5);
  });
});
