/**
 * Issue 11, point 2: validating a payload costs the same whatever its shape. Binary attachments
 * are refused on every event, depth and size are bounded before anything serialises the payload,
 * the answer is `invalid-payload` (never `internal`), and refused events use up the rate limit.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  agent,
  customer,
  deeplyNestedCall,
  emitAck,
  flood,
  rawEmit,
  rawFrame,
  useTestServer,
  useTestServers,
} from '@synapse-calling/test-utils/server';

/** Every line the server logs, to prove that refusals are not logged as errors. */
const logged: Array<{ level: number; msg?: string }> = [];
const server = useTestServer(
  {
    logger: pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logged.push(JSON.parse(chunk.toString()) as { level: number; msg?: string });
          done();
        },
      }),
    ),
  },
  { per: 'file' },
);

const start = useTestServers();

const PINO_ERROR = 50;
const attachment = () => Buffer.from([1, 2, 3]);

describe('payload shape', () => {
  it.each([
    ['initiate-call', { to: 'bob', metadata: { file: attachment() } }],
    ['initiate-call', { to: 'bob', metadata: { files: [{ nested: attachment() }] } }],
    ['initiate-call', { to: attachment() }],
    ['heartbeat', { idle: attachment() }],
    ['subscribe-presence', { userIds: [attachment()] }],
    ['set-status', attachment()],
    ['sync', { extra: attachment() }],
    [
      'media-signal',
      {
        callId: 'c',
        signal: { type: 'description', description: { type: 'offer', sdp: 'x' } },
        x: attachment(),
      },
    ],
  ])('refuses a binary attachment in %s (%#) with invalid-payload', async (event, payload) => {
    const client = await server.connect(customer(`binary-${event}`));
    expect(await rawEmit(client, event, payload)).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringMatching(/binary/) },
    });
    client.close();
  });

  it('drops the attachments of a refused event unread and keeps serving the connection', async () => {
    const client = await server.connect(customer('attachments'));
    const refused = rawEmit(client, 'initiate-call', {
      to: 'bob',
      metadata: { files: Array.from({ length: 10 }, () => Buffer.alloc(60_000, 7)) },
    });
    // Sent right behind the ten attachments, so it is read only after they were dropped.
    const next = rawEmit(client, 'heartbeat', {});
    expect(await refused).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await next).toEqual({ ok: true });
    client.close();
  });

  it('creates no call for metadata carrying an attachment small enough to fit in 2 KB', async () => {
    const alice = await server.connect(customer('alice'));
    const bob = await server.connect(agent('bob'));
    const ack = await rawEmit(alice, 'initiate-call', { to: 'bob', metadata: { f: attachment() } });
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await server.synapse.stores.registry.all()).toHaveLength(0);
    alice.close();
    bob.close();
  });

  it('answers metadata nested 30,000 levels deep with invalid-payload and logs no error', async () => {
    const alice = await server.connect(customer('deep'));
    const before = logged.length;
    const ack = await rawFrame(alice, 'initiate-call', deeplyNestedCall('bob', 30_000));
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringMatching(/nested/) },
    });
    expect(logged.slice(before).filter((l) => l.level >= PINO_ERROR)).toEqual([]);
    alice.close();
  });

  it('refuses more values than any event needs before measuring their size', async () => {
    const alice = await server.connect(customer('wide'));
    const ack = await rawEmit(alice, 'initiate-call', {
      to: 'bob',
      metadata: { a: Array.from({ length: 5000 }, () => 0) },
    });
    expect(ack).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringMatching(/values/) },
    });
    alice.close();
  });

  it('still accepts metadata of ordinary shape: nested objects, arrays, 2 KB', async () => {
    const alice = await server.connect(agent('carol'));
    const bob = await server.connect(agent('dave'));
    let nested: Record<string, unknown> = { leaf: 'x'.repeat(100) };
    for (let i = 0; i < 10; i++) nested = { level: i, list: [1, 'two', null], nested };
    const ack = await emitAck(alice, 'initiate-call', { to: 'dave', metadata: { crm: nested } });
    expect(ack).toMatchObject({ ok: true, call: { metadata: { crm: nested } } });
    if (ack.ok) await emitAck(alice, 'end-call', { callId: ack.call.id });
    alice.close();
    bob.close();
  });

  it('reads a connection no faster than maxInboundBytesPerSecond, and loses nothing', async () => {
    const throttled = await start({ maxInboundBytesPerSecond: 64 * 1024 });
    const client = await throttled.connect(customer('bulk'));
    const started = performance.now();
    // Four frames of 60 KB: about four seconds' worth.
    const acks = await Promise.all(
      Array.from({ length: 4 }, () => rawEmit(client, 'heartbeat', { pad: 'x'.repeat(60_000) })),
    );
    console.log(`4 frames of 60 KB at 64 KB/s: ${Math.round(performance.now() - started)} ms`);
    expect(acks).toEqual(Array.from({ length: 4 }, () => ({ ok: true })));
    const metrics = await throttled.synapse.metrics.registry.getSingleMetricAsString(
      'synapse_limit_refusals_total',
    );
    expect(metrics).toMatch(/synapse_limit_refusals_total\{limit="inbound-bytes"\} [1-9]/);
    client.close();
  });

  it('counts refused events against the rate limit', async () => {
    const mallory = await server.connect(customer('mallory'));
    const counts = await flood(
      mallory,
      'initiate-call',
      { to: 'bob', metadata: { file: attachment() } },
      100,
    );
    expect(counts['invalid-payload']).toBeGreaterThanOrEqual(40);
    expect(counts['rate-limited']).toBeGreaterThan(0);
    expect((counts['invalid-payload'] ?? 0) + (counts['rate-limited'] ?? 0)).toBe(100);
    mallory.close();
  });
});
