import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { LiveKitMedia, VideoSource } from '@synapse-calling/protocol';
import {
  agent,
  customer,
  emitAck,
  recordEvents,
  ringCall,
  startLiveKit,
  startRedis,
  useTestServers,
  waitForEvent,
  type LiveKitServer,
  type TestClient,
  type TestRedis,
} from '@synapse-calling/test-utils/server';
import type { CanPublish } from './calls/media-policy';
import type { PolicyParty } from './options';

const start = useTestServers();

type Server = Awaited<ReturnType<typeof start>>;

/** Alice (agent) calls Carol (customer), Carol answers; both sockets and the call id. */
async function answered(server: Server) {
  const alice = await server.connect({ ...agent('alice'), name: 'Alice' });
  const carol = await server.connect({ ...customer('carol'), name: 'Carol' });
  const call = await ringCall(alice, carol, 'carol');
  const accepted = waitForEvent(alice, 'call-accepted');
  const ack = await emitAck(carol, 'accept-call', { callId: call.id });
  if (!ack.ok) throw new Error(ack.error.code);
  const { media: callerMedia } = await accepted;
  return { alice, carol, callId: call.id, calleeMedia: ack.media, callerMedia };
}

const customersNoCamera: CanPublish = (actor, source) =>
  actor.role === 'agent' || source === 'screen';

describe('media-changed', () => {
  it('relays what a party sends to the other party, by default for both sources', async () => {
    const server = await start({});
    const { alice, carol, callId } = await answered(server);
    const seen = waitForEvent(alice, 'media-changed');
    const change = { callId, audio: true, video: true, screen: true };
    expect(await emitAck(carol, 'media-changed', change)).toEqual({ ok: true });
    expect(await seen).toEqual({ ...change, from: 'carol' });

    // Turning everything off is always allowed, and the sender hears nothing back.
    const own = recordEvents(carol, ['media-changed']);
    const off = waitForEvent(carol, 'media-changed');
    const none = { callId, audio: false, video: false, screen: false };
    expect(await emitAck(alice, 'media-changed', none)).toEqual({ ok: true });
    expect(await off).toEqual({ ...none, from: 'alice' });
    expect(own.filter((e) => (e.payload as { from: string }).from === 'carol')).toEqual([]);
  });

  it('asks canPublish for each source turned on and refuses forbidden sources', async () => {
    const asked: Array<[PolicyParty, VideoSource, string]> = [];
    const server = await start({
      canPublish: (actor, source, call) => {
        asked.push([actor, source, call.tenant]);
        return customersNoCamera(actor, source, call);
      },
    });
    const { alice, carol, callId } = await answered(server);
    const relayed = recordEvents(alice, ['media-changed']);
    expect(
      await emitAck(carol, 'media-changed', { callId, audio: true, video: true, screen: false }),
    ).toMatchObject({ ok: false, error: { code: 'forbidden', message: /camera/ } });
    expect(asked).toEqual([
      [{ id: 'carol', name: 'Carol', role: 'customer', tenant: 'acme' }, 'camera', 'acme'],
    ]);
    const screen = waitForEvent(alice, 'media-changed');
    expect(
      await emitAck(carol, 'media-changed', { callId, audio: true, video: false, screen: true }),
    ).toEqual({ ok: true });
    expect(await screen).toMatchObject({ from: 'carol', video: false, screen: true });
    // The refused change never reached Alice.
    expect(relayed).toHaveLength(1);
    // The agent may turn on the camera.
    expect(
      await emitAck(alice, 'media-changed', { callId, audio: true, video: true, screen: false }),
    ).toEqual({ ok: true });
  });

  it('answers internal when the hook throws', async () => {
    const server = await start({
      canPublish: () => {
        throw new Error('policy database down');
      },
    });
    const { carol, callId } = await answered(server);
    expect(
      await emitAck(carol, 'media-changed', { callId, audio: true, video: false, screen: true }),
    ).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('is only for the parties of an active call', async () => {
    const server = await start({});
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const eve: TestClient = await server.connect(agent('eve'));
    const ringing = await ringCall(alice, bob, 'bob');
    const change = { callId: ringing.id, audio: true, video: true, screen: false };
    expect(await emitAck(alice, 'media-changed', change)).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    expect(await emitAck(eve, 'media-changed', change)).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(
      await emitAck(alice, 'media-changed', {
        ...change,
        video: 'yes',
      } as unknown as typeof change),
    ).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});

describe('what each party sends, kept with the call', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  // The memory registry and the Redis one (two nodes: the reload lands on the other node).
  for (const mode of ['memory', 'redis'] as const) {
    it(`is given back on sync after a reload (${mode})`, async () => {
      const options =
        mode === 'redis' ? { redis: { url: redis.url, keyPrefix: `mc${mode}:` } } : {};
      const server = await start(options);
      const other = mode === 'redis' ? await start(options) : server;
      const { alice, carol, callId } = await answered(server);
      const relayed = waitForEvent(alice, 'media-changed');
      expect(
        await emitAck(carol, 'media-changed', { callId, audio: true, video: false, screen: true }),
      ).toEqual({ ok: true });
      await relayed;
      expect(
        await emitAck(alice, 'media-changed', { callId, audio: false, video: true, screen: false }),
      ).toEqual({ ok: true });

      // Alice reloads: her new page, on whichever node, learns that Carol shares her screen and
      // that she herself was sending her camera.
      alice.disconnect();
      const reloaded = await other.connect({ ...agent('alice'), name: 'Alice' });
      const ack = await emitAck(reloaded, 'sync', {});
      if (!ack.ok) throw new Error(ack.error.code);
      expect(ack.calls).toMatchObject([
        {
          call: { id: callId, state: 'active' },
          peerMedia: { audio: true, video: false, screen: true },
          ownMedia: { audio: false, video: true, screen: false },
        },
      ]);

      // Carol's own view: what Alice said, and her own screen share.
      const carolSync = await emitAck(carol, 'sync', {});
      if (!carolSync.ok) throw new Error(carolSync.error.code);
      expect(carolSync.calls[0]).toMatchObject({
        peerMedia: { video: true, screen: false },
        ownMedia: { screen: true },
      });
    });
  }

  it('says nothing before a party said what it sends', async () => {
    const server = await start({});
    const { carol } = await answered(server);
    const ack = await emitAck(carol, 'sync', {});
    if (!ack.ok) throw new Error(ack.error.code);
    expect(ack.calls[0]).not.toHaveProperty('peerMedia');
    expect(ack.calls[0]).not.toHaveProperty('ownMedia');
  });
});

describe('LiveKit token sources', () => {
  let lk: LiveKitServer;
  beforeAll(async () => {
    lk = await startLiveKit();
  }, 60_000);
  afterAll(async () => {
    await lk?.stop();
  });

  const sourcesOf = (media: unknown): unknown =>
    (decodeJwt((media as LiveKitMedia).token) as { video?: { canPublishSources?: unknown } }).video
      ?.canPublishSources;

  it('grants only the sources the policy allows each party', async () => {
    const server = await start({
      canPublish: customersNoCamera,
      livekit: { url: lk.wsUrl, apiKey: lk.apiKey, apiSecret: lk.apiSecret },
    });
    const { callerMedia, calleeMedia } = await answered(server);
    expect(sourcesOf(callerMedia)).toEqual(['microphone', 'camera', 'screen_share']);
    expect(sourcesOf(calleeMedia)).toEqual(['microphone', 'screen_share']);
  });
});
