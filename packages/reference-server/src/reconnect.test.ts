import { describe, expect, it } from 'vitest';
import type { CallInfo, MediaSignal } from '@synapse-calling/protocol';
import {
  agent,
  emitAck,
  recordEvents,
  waitForEvent,
  type TestClient,
  useTestServer,
} from '@synapse-calling/test-utils/server';

const server = useTestServer({
  ringTimeoutMs: 5_000,
  reconnectGraceMs: 1_500,
  presenceGraceMs: 1_500,
});
const offer: MediaSignal = { type: 'description', description: { type: 'offer', sdp: 'v=0' } };

async function activeCall(alice: TestClient, bob: TestClient): Promise<CallInfo> {
  const incoming = waitForEvent(bob, 'incoming-call');
  const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
  if (!ack.ok) throw new Error(ack.error.code);
  await incoming;
  const accepted = waitForEvent(alice, 'call-accepted');
  const acc = await emitAck(bob, 'accept-call', { callId: ack.call.id });
  if (!acc.ok) throw new Error(acc.error.code);
  await accepted;
  return acc.call;
}

/**
 * Resolves once a grace window started now has run out, without a sleep: a throwaway user's
 * presence grace (same length as the reconnect grace) starts after any pending call grace, so
 * its offline event arrives after those timers fired.
 */
async function pastGraceWindow(): Promise<void> {
  const watcher = await server.connect(agent('grace-watcher'));
  const probe = await server.connect(agent('grace-probe'));
  await emitAck(watcher, 'subscribe-presence', { userIds: ['grace-probe'] });
  const offline = waitForEvent(watcher, 'presence-changed', {
    filter: (p) => p.presence.status === 'offline',
  });
  probe.close();
  await offline;
  watcher.close();
}

describe('P2P signalling', () => {
  it('relays media-signal only between the call connections of the two parties', async () => {
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const bobOtherTab = await server.connect(agent('bob'));
    const call = await activeCall(alice, bob);
    const otherTab = recordEvents(bobOtherTab, ['media-signal']);

    const atBob = waitForEvent(bob, 'media-signal');
    expect(await emitAck(alice, 'media-signal', { callId: call.id, signal: offer })).toEqual({
      ok: true,
    });
    expect(await atBob).toEqual({ callId: call.id, signal: offer });

    const atAlice = waitForEvent(alice, 'media-signal');
    const answer: MediaSignal = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1', sdpMid: '0' },
    };
    await emitAck(bob, 'media-signal', { callId: call.id, signal: answer });
    expect((await atAlice).signal).toEqual(answer);

    // The tab that did not accept the call neither receives nor may send signals.
    expect(
      await emitAck(bobOtherTab, 'media-signal', { callId: call.id, signal: offer }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    expect(otherTab).toHaveLength(0);

    const carol = await server.connect(agent('carol'));
    expect(await emitAck(carol, 'media-signal', { callId: call.id, signal: offer })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('refuses media-signal for a call that is not active', async () => {
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(
      await emitAck(alice, 'media-signal', { callId: ack.call.id, signal: offer }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    expect(bob.connected).toBe(true);
  });
});

describe('reconnect grace', () => {
  it('a party that reloads mid-call resumes it with sync and gets media again', async () => {
    const alice = await server.connect(agent('alice'));
    let bob = await server.connect(agent('bob'));
    const call = await activeCall(alice, bob);
    const aliceEvents = recordEvents(alice, ['call-ended']);
    bob.close();
    bob = await server.connect(agent('bob'));
    const sync = await emitAck(bob, 'sync', {});
    if (!sync.ok) throw new Error(sync.error.code);
    expect(sync.calls).toHaveLength(1);
    expect(sync.calls[0]).toMatchObject({
      call: { id: call.id, state: 'active' },
      media: { kind: 'p2p', polite: true },
    });
    // The new connection now carries the call: signals flow to it.
    const atBob = waitForEvent(bob, 'media-signal');
    await emitAck(alice, 'media-signal', { callId: call.id, signal: offer });
    await atBob;
    // And the call outlives the grace window: a later hang-up is a normal completion.
    await pastGraceWindow();
    expect(aliceEvents).toHaveLength(0);
    const end = await emitAck(bob, 'end-call', { callId: call.id });
    expect(end).toMatchObject({ ok: true, call: { endReason: 'completed' } });
  });

  it('a party that does not come back ends the call disconnected', async () => {
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const call = await activeCall(alice, bob);
    const ended = waitForEvent(alice, 'call-ended');
    bob.close();
    expect((await ended).call).toMatchObject({
      id: call.id,
      endReason: 'disconnected',
      endedBy: 'bob',
    });
  });

  it('a caller that drops while ringing and does not return: cancelled', async () => {
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const incoming = waitForEvent(bob, 'incoming-call');
    await emitAck(alice, 'initiate-call', { to: 'bob' });
    const { call } = await incoming;
    const ended = waitForEvent(bob, 'call-ended');
    alice.close();
    expect((await ended).call).toMatchObject({
      id: call.id,
      endReason: 'cancelled',
      endedBy: 'alice',
    });
  });

  it('a caller that reloads while ringing keeps the call and still gets call-accepted', async () => {
    let alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const incoming = waitForEvent(bob, 'incoming-call');
    await emitAck(alice, 'initiate-call', { to: 'bob' });
    const { call } = await incoming;
    alice.close();
    alice = await server.connect(agent('alice'));
    const sync = await emitAck(alice, 'sync', {});
    expect(sync).toMatchObject({ ok: true, calls: [{ call: { id: call.id, state: 'ringing' } }] });
    const accepted = waitForEvent(alice, 'call-accepted');
    await emitAck(bob, 'accept-call', { callId: call.id });
    expect((await accepted).media).toMatchObject({ kind: 'p2p', polite: false });
  });

  it('a tab opened while a call rings sees it in sync, and a second tab does not steal an active call', async () => {
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const incoming = waitForEvent(bob, 'incoming-call');
    await emitAck(alice, 'initiate-call', { to: 'bob' });
    const { call } = await incoming;
    const newTab = await server.connect(agent('bob'));
    expect(await emitAck(newTab, 'sync', {})).toEqual({
      ok: true,
      calls: [{ call }],
      presence: [expect.objectContaining({ userId: 'bob' })],
    });
    await emitAck(bob, 'accept-call', { callId: call.id });
    // bob's first tab still carries the call: the other tab's sync lists it without media.
    const again = await emitAck(newTab, 'sync', {});
    expect(again).toMatchObject({ ok: true, calls: [{ call: { id: call.id, state: 'active' } }] });
    expect(again.ok && again.calls[0]?.media).toBeUndefined();
  });
});
