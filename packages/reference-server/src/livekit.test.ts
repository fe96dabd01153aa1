import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt } from 'jose';
import { AccessToken, RoomServiceClient } from 'livekit-server-sdk';
import type { CallInfo, LiveKitMedia } from '@synapse-calling/protocol';
import {
  agent,
  startLiveKit,
  type LiveKitServer,
  freePort,
  waitFor,
  emitAck,
  fetchMetrics,
  ringCall,
  startTestServer,
  TEST_METRICS_TOKEN,
  waitForEvent,
  type TestClient,
  type TestServer,
} from '@synapse-calling/test-utils/server';

let lk: LiveKitServer;
let server: TestServer;
let rooms: RoomServiceClient;

beforeAll(async () => {
  // LiveKit must know where to post webhooks before it starts, so pick our port first.
  const port = await freePort();
  lk = await startLiveKit({ webhookUrls: [`http://127.0.0.1:${port}/api/livekit/webhook`] });
  server = await startTestServer({
    port,
    reconnectGraceMs: 1_500,
    metricsToken: TEST_METRICS_TOKEN,
    livekit: { url: lk.wsUrl, apiUrl: lk.httpUrl, apiKey: lk.apiKey, apiSecret: lk.apiSecret },
  });
  rooms = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await lk?.stop();
});

async function activeCall(
  callerId: string,
  calleeId: string,
): Promise<{
  call: CallInfo;
  caller: TestClient;
  callee: TestClient;
  media: LiveKitMedia;
  callerMedia: LiveKitMedia;
}> {
  const caller = await server.connect(agent(callerId));
  const callee = await server.connect(agent(calleeId));
  const ringing = await ringCall(caller, callee, calleeId);
  const accepted = waitForEvent(caller, 'call-accepted');
  const acc = await emitAck(callee, 'accept-call', { callId: ringing.id });
  if (!acc.ok) throw new Error(acc.error.code);
  const { media: callerMedia } = await accepted;
  return {
    call: acc.call,
    caller,
    callee,
    media: acc.media as LiveKitMedia,
    callerMedia: callerMedia as LiveKitMedia,
  };
}

function tokenRequest(bearer: string, callId: string): Promise<Response> {
  return fetch(`${server.url}/api/livekit/token`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ callId }),
  });
}

/** Signs a webhook body the way livekit-server does: a JWT whose sha256 claim hashes the body. */
async function signedWebhook(body: string, secret = lk.apiSecret): Promise<Response> {
  const token = new AccessToken(lk.apiKey, secret);
  token.sha256 = createHash('sha256').update(body).digest('base64');
  return fetch(`${server.url}/api/livekit/webhook`, {
    method: 'POST',
    headers: { authorization: await token.toJwt(), 'content-type': 'application/webhook+json' },
    body,
  });
}

describe('LiveKit media', () => {
  it('says the media kind (livekit) on the ack, the ring and sync, before anyone accepts', async () => {
    const caller = await server.connect(agent('mk-alice'));
    const callee = await server.connect(agent('mk-bob'));
    const incoming = waitForEvent(callee, 'incoming-call');
    const ack = await emitAck(caller, 'initiate-call', { to: 'mk-bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    // The kind alone: connection details (a room token) still come only with accept.
    expect(ack).not.toHaveProperty('media');
    expect(ack.call.mediaKind).toBe('livekit');
    expect((await incoming).call.mediaKind).toBe('livekit');
    const sync = await emitAck(callee, 'sync', {});
    if (!sync.ok) throw new Error(sync.error.code);
    expect(sync.calls).toMatchObject([{ call: { id: ack.call.id, mediaKind: 'livekit' } }]);
    expect(sync.calls[0]).not.toHaveProperty('media');
    await emitAck(caller, 'end-call', { callId: ack.call.id });
  });

  it('creates a two-person, tenant-prefixed room and mints room-scoped short-lived tokens', async () => {
    const { call, media, callerMedia } = await activeCall('alice', 'bob');
    expect(media).toMatchObject({ kind: 'livekit', url: lk.wsUrl, room: `acme-${call.id}` });
    expect(callerMedia.room).toBe(media.room);
    const room = (await rooms.listRooms([media.room]))[0];
    expect(room?.maxParticipants).toBe(2);

    const claims = decodeJwt(media.token) as {
      sub?: string;
      exp?: number;
      iat?: number;
      nbf?: number;
      video?: Record<string, unknown>;
    };
    expect(claims.sub).toBe('bob');
    expect(claims.video).toMatchObject({
      room: media.room,
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
    });
    expect(claims.video?.roomCreate).toBeUndefined();
    expect(claims.video?.roomAdmin).toBeUndefined();
    expect((claims.exp ?? 0) - (claims.nbf ?? claims.iat ?? 0)).toBeLessThanOrEqual(600);
    expect(decodeJwt(callerMedia.token).sub).toBe('alice');
  });

  it('hands a fresh token only to a party of the accepted call', async () => {
    const { call, caller } = await activeCall('carol', 'dave');
    const res = await tokenRequest(await server.mintToken(agent('carol')), call.id);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { url: string; token: string; room: string };
    expect(body).toMatchObject({ url: lk.wsUrl, room: `acme-${call.id}` });
    expect(decodeJwt(body.token).sub).toBe('carol');

    expect((await tokenRequest(await server.mintToken(agent('eve')), call.id)).status).toBe(404);
    expect(
      (await tokenRequest(await server.mintToken(agent('carol', 'globex')), call.id)).status,
    ).toBe(404);
    expect((await tokenRequest(await server.mintToken(agent('carol')), randomUUID())).status).toBe(
      404,
    );

    // A party of a call that is still ringing gets 409, not a token.
    const frank = await server.connect(agent('frank'));
    await server.connect(agent('gina'));
    const ringing = await emitAck(frank, 'initiate-call', { to: 'gina' });
    if (!ringing.ok) throw new Error(ringing.error.code);
    expect(
      (await tokenRequest(await server.mintToken(agent('frank')), ringing.call.id)).status,
    ).toBe(409);
    await emitAck(frank, 'end-call', { callId: ringing.call.id });
    await emitAck(caller, 'end-call', { callId: call.id });
  });

  it('deletes the room when the call ends', async () => {
    const { call, caller, media } = await activeCall('henry', 'iris');
    expect((await rooms.listRooms([media.room])).length).toBe(1);
    await emitAck(caller, 'end-call', { callId: call.id });
    await waitFor(async () => (await rooms.listRooms([media.room])).length === 0, {
      timeoutMs: 15_000,
      what: 'the room to be deleted',
    });
  });

  it('creates the room while the call rings (answering waits for no LiveKit round trip) and deletes it when nobody answers', async () => {
    const callee = await server.connect(agent('marc'));
    const ringing = await ringCall(await server.connect(agent('lena')), callee, 'marc');
    const room = `acme-${ringing.id}`;
    await waitFor(async () => (await rooms.listRooms([room])).length === 1, {
      timeoutMs: 15_000,
      what: 'the room to exist while the call rings',
    });
    // Nobody is in it, and nobody can be before accept: a token still answers 409.
    expect((await rooms.listParticipants(room)).length).toBe(0);
    expect((await tokenRequest(await server.mintToken(agent('lena')), ringing.id)).status).toBe(
      409,
    );
    const declined = await emitAck(callee, 'reject-call', { callId: ringing.id });
    if (!declined.ok) throw new Error(declined.error.code);
    await waitFor(async () => (await rooms.listRooms([room])).length === 0, {
      timeoutMs: 15_000,
      what: 'the unanswered call’s room to be deleted',
    });

    // Answered, the call's room (made while it rang) is there, for two.
    const { call, caller: c2, media } = await activeCall('nora', 'omar');
    expect(media.room).toBe(`acme-${call.id}`);
    expect((await rooms.listRooms([media.room]))[0]?.maxParticipants).toBe(2);
    await emitAck(c2, 'end-call', { callId: call.id });
  });

  it('receives real, signed webhooks from livekit-server', async () => {
    await activeCall('jack', 'kate');
    await waitFor(
      async () =>
        /synapse_livekit_webhooks_total\{event="room_started"\} [1-9]/.test(
          await (await fetchMetrics(server.url)).text(),
        ),
      { timeoutMs: 20_000, what: 'a room_started webhook from livekit-server' },
    );
  });

  it('ends the call disconnected when a party leaves the room and does not rejoin', async () => {
    const { call, caller, media } = await activeCall('liam', 'mia');
    const body = JSON.stringify({
      event: 'participant_left',
      id: `EV_${randomUUID()}`,
      room: { name: media.room },
      participant: { identity: 'mia' },
    });
    const ended = waitForEvent(caller, 'call-ended');
    const res = await signedWebhook(body);
    expect(res.status).toBe(200);
    // LiveKit retries deliveries; the same event id twice is processed once.
    expect(await (await signedWebhook(body)).json()).toMatchObject({ duplicate: true });
    expect((await ended).call).toMatchObject({
      id: call.id,
      endReason: 'disconnected',
      endedBy: 'mia',
    });
  });

  it('processes the retry of an event whose handling failed, and still ignores duplicates', async () => {
    const { call, caller, media } = await activeCall('rosa', 'sami');
    const body = JSON.stringify({
      event: 'participant_left',
      id: `EV_${randomUUID()}`,
      room: { name: media.room },
      participant: { identity: 'sami' },
    });
    // The first delivery fails while being handled (the call registry is unavailable).
    const get = vi
      .spyOn(server.synapse.stores.registry, 'get')
      .mockRejectedValueOnce(new Error('registry unavailable'));
    let failed: Response;
    try {
      failed = await signedWebhook(body);
    } finally {
      get.mockRestore();
    }
    expect(failed.status).toBe(500);
    // LiveKit retries the same event id: it must be handled, not dropped as a duplicate.
    const ended = waitForEvent(caller, 'call-ended');
    const retry = await signedWebhook(body);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ ok: true });
    expect(await (await signedWebhook(body)).json()).toMatchObject({ duplicate: true });
    expect((await ended).call).toMatchObject({
      id: call.id,
      endReason: 'disconnected',
      endedBy: 'sami',
    });
  });

  it('keeps the call when the party rejoins within the grace window', async () => {
    const { call, caller, media } = await activeCall('noah', 'olga');
    const event = (name: string) =>
      JSON.stringify({
        event: name,
        id: `EV_${randomUUID()}`,
        room: { name: media.room },
        participant: { identity: 'olga' },
      });
    await signedWebhook(event('participant_left'));
    await signedWebhook(event('participant_joined'));
    // Another call's grace expiry is the barrier: once it fired, this one would have too.
    const probe = await activeCall('pia', 'quinn');
    const probeEnded = waitForEvent(probe.caller, 'call-ended');
    await signedWebhook(
      JSON.stringify({
        event: 'participant_left',
        id: `EV_${randomUUID()}`,
        room: { name: probe.media.room },
        participant: { identity: 'quinn' },
      }),
    );
    await probeEnded;
    expect(await server.synapse.stores.registry.get(call.id)).toMatchObject({
      call: { state: 'active' },
    });
    await emitAck(caller, 'end-call', { callId: call.id });
  });

  it('refuses webhooks with a bad signature', async () => {
    const body = JSON.stringify({
      event: 'room_started',
      id: `EV_${randomUUID()}`,
      room: { name: 'x' },
    });
    expect((await signedWebhook(body, 'wrong-secret-wrong-secret')).status).toBe(401);
    const unsigned = await fetch(`${server.url}/api/livekit/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json' },
      body,
    });
    expect(unsigned.status).toBe(401);
  });
});

describe('LiveKit token endpoint without LiveKit', () => {
  let p2p: TestServer;
  beforeAll(async () => {
    p2p = await startTestServer();
  });
  afterAll(async () => {
    await p2p?.close();
  });

  it('answers 409 to a party of a P2P call and 404 to anyone else', async () => {
    const alice = await p2p.connect(agent('alice'));
    const bob = await p2p.connect(agent('bob'));
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    await emitAck(bob, 'accept-call', { callId: ack.call.id });
    const request = async (sub: string, tenant = 'acme') =>
      fetch(`${p2p.url}/api/livekit/token`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await p2p.mintToken(agent(sub, tenant))}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ callId: ack.call.id }),
      });
    expect((await request('alice')).status).toBe(409);
    expect((await request('carol')).status).toBe(404);
    expect((await request('alice', 'globex')).status).toBe(404);
    const webhook = await fetch(`${p2p.url}/api/livekit/webhook`, { method: 'POST', body: '{}' });
    expect(webhook.status).toBe(404);
  });
});
