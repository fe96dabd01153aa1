import { describe, expect, it } from 'vitest';
import {
  agent,
  customer,
  emitAck,
  recordEvents,
  ringCall,
  waitFor,
  waitForEvent,
  type TestClient,
  type TransferParties as Parties,
  useTransferServer,
} from '@synapse-calling/test-utils/server';

const { server, events, online, activeCall } = useTransferServer();

/** Alice starts a warm transfer to Bob, and Bob answers: the consultation runs. */
async function consulting(parties: Parties) {
  const { alice, bob, carol, call } = parties;
  const rings = waitForEvent(bob, 'incoming-call');
  const ack = await emitAck(alice, 'transfer-call', { callId: call.id, to: 'bob', mode: 'warm' });
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  const ring = await rings;
  const aliceTold = waitForEvent(alice, 'call-transferring', {
    filter: (p) => p.call.transfer?.state === 'consulting',
  });
  const carolTold = waitForEvent(carol, 'call-transferring', {
    filter: (p) => p.call.transfer?.state === 'consulting',
  });
  const answered = await emitAck(bob, 'accept-call', { callId: call.id });
  if (!answered.ok) throw new Error(answered.error.code);
  return { ack, ring, answered, onAlice: await aliceTold, onCarol: await carolTold };
}

const signal = { type: 'hangup-media' } as const;

describe('warm transfer', () => {
  it('Bob rings, consults with Alice beside the call while Carol waits, and takes the call on complete', async () => {
    const parties = await activeCall();
    const { carol, alice, bob, call } = parties;
    const { ack, ring, answered, onAlice, onCarol } = await consulting(parties);
    expect(ack.call.transfer).toMatchObject({ state: 'ringing', mode: 'warm', to: { id: 'bob' } });
    expect(ring.call).toMatchObject({
      from: { name: 'Carol Chen' },
      transfer: { mode: 'warm', by: { name: 'Alice' } },
    });
    // Answering starts the consultation, not the hand-over: the call is still Alice's.
    expect(answered.call).toMatchObject({
      to: { id: 'alice' },
      transfer: { state: 'consulting', consultingSince: expect.any(Number) },
    });
    expect(answered.media).toMatchObject({ kind: 'p2p', polite: true });
    expect(onAlice.media).toMatchObject({ kind: 'p2p', polite: false });
    expect(onCarol.media).toBeUndefined();
    expect(onCarol.call.transfer?.state).toBe('consulting');

    // The consultation's signals go between Alice and Bob only, never to Carol.
    const carolHears = recordEvents(carol, ['media-signal']);
    const toBob = waitForEvent(bob, 'media-signal');
    expect(
      await emitAck(alice, 'media-signal', { callId: call.id, signal, consult: true }),
    ).toMatchObject({ ok: true });
    expect(await toBob).toMatchObject({ callId: call.id, consult: true });
    const toAlice = waitForEvent(alice, 'media-signal', { filter: (p) => p.consult === true });
    await emitAck(bob, 'media-signal', { callId: call.id, signal, consult: true });
    await toAlice;
    // Carol cannot reach into the consultation.
    const intrude = await emitAck(carol, 'media-signal', {
      callId: call.id,
      signal,
      consult: true,
    });
    expect(intrude).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
    expect(carolHears).toEqual([]);
    // No webhook before the call changed hands.
    expect(events.map((e) => e.type)).not.toContain('call.transferred');

    const carolGets = waitForEvent(carol, 'call-transferred');
    const bobGets = waitForEvent(bob, 'call-transferred');
    const aliceLeft = waitForEvent(alice, 'call-ended');
    const done = await emitAck(alice, 'complete-transfer', { callId: call.id });
    expect(done).toMatchObject({ ok: true, call: { state: 'ended', endReason: 'completed' } });
    const [onCarolDone, onBob, left] = await Promise.all([carolGets, bobGets, aliceLeft]);
    expect(onCarolDone.call).toMatchObject({ to: { id: 'bob' } });
    expect(onCarolDone.call.transfer).toBeUndefined();
    expect(onCarolDone.media).toMatchObject({ kind: 'p2p', polite: false });
    expect(onBob.media).toMatchObject({ kind: 'p2p', polite: true });
    expect(left.call).toMatchObject({ endReason: 'completed', endedBy: 'alice' });

    // Carol's call media now reaches Bob; consultation signals are over.
    const toBobNow = waitForEvent(bob, 'media-signal', { filter: (p) => !p.consult });
    await emitAck(carol, 'media-signal', { callId: call.id, signal });
    await toBobNow;
    const stale = await emitAck(bob, 'media-signal', { callId: call.id, signal, consult: true });
    expect(stale).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
    // Completing twice: Alice is out of the call.
    const again = await emitAck(alice, 'complete-transfer', { callId: call.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'not-found' } });

    await emitAck(bob, 'end-call', { callId: call.id });
    await waitFor(() => events.some((e) => e.type === 'call.ended'), { what: 'call.ended' });
    expect(events.map((e) => e.type)).toEqual([
      'call.ringing',
      'call.accepted',
      'call.transferred',
      'call.ended',
    ]);
    const row = await server.synapse.stores.callLog.get(call.id);
    expect(row?.call.legs?.map((l) => l.party.id)).toEqual(['alice', 'bob']);
  });

  it('cancel during the consultation: Bob leaves it, Alice and Carol talk again', async () => {
    const parties = await activeCall();
    const { carol, alice, bob, call } = parties;
    await consulting(parties);
    const bobEnds = waitForEvent(bob, 'call-ended');
    const carolTold = waitForEvent(carol, 'call-transferring', { filter: (p) => !p.call.transfer });
    const cancelled = await emitAck(alice, 'cancel-transfer', { callId: call.id });
    expect(cancelled).toMatchObject({ ok: true, call: { state: 'active', to: { id: 'alice' } } });
    expect((await bobEnds).call.endReason).toBe('cancelled');
    await carolTold;
    const relayed = waitForEvent(alice, 'media-signal');
    await emitAck(carol, 'media-signal', { callId: call.id, signal });
    await relayed;
    const late = await emitAck(alice, 'complete-transfer', { callId: call.id });
    expect(late).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
    expect(events.map((e) => e.type)).not.toContain('call.transferred');
    // Bob is free: a new transfer can ring him.
    const retry = await emitAck(alice, 'transfer-call', { callId: call.id, to: 'bob' });
    expect(retry).toMatchObject({ ok: true, call: { transfer: { mode: 'blind' } } });
  });

  it('Bob declines the warm transfer: the call stays with Alice', async () => {
    const { alice, bob, carol, call } = await activeCall();
    const rings = waitForEvent(bob, 'incoming-call');
    await emitAck(alice, 'transfer-call', { callId: call.id, to: 'bob', mode: 'warm' });
    await rings;
    const stopped = waitForEvent(carol, 'call-transferring', { filter: (p) => !p.call.transfer });
    const declined = await emitAck(bob, 'reject-call', { callId: call.id });
    expect(declined).toMatchObject({ ok: true, call: { endReason: 'rejected' } });
    await stopped;
    const record = await server.synapse.stores.registry.get(call.id);
    expect(record?.call).toMatchObject({ state: 'active', to: { id: 'alice' } });
    expect(record?.call.transfer).toBeUndefined();
  });

  it('Bob hangs up mid-consultation: that is a cancel, the call stays with Alice', async () => {
    const parties = await activeCall();
    const { carol, alice, bob, call } = parties;
    await consulting(parties);
    const aliceTold = waitForEvent(alice, 'call-transferring', { filter: (p) => !p.call.transfer });
    const carolTold = waitForEvent(carol, 'call-transferring', { filter: (p) => !p.call.transfer });
    const hungUp = await emitAck(bob, 'end-call', { callId: call.id });
    expect(hungUp).toMatchObject({ ok: true, call: { endReason: 'completed', endedBy: 'bob' } });
    await Promise.all([aliceTold, carolTold]);
    const record = await server.synapse.stores.registry.get(call.id);
    expect(record?.call).toMatchObject({ state: 'active', to: { id: 'alice' } });
    expect(record?.consultSocket).toBeUndefined();
    const late = await emitAck(alice, 'complete-transfer', { callId: call.id });
    expect(late).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
  });

  it('Carol hangs up mid-consultation: her call ends, and the consultation with it', async () => {
    const parties = await activeCall();
    const { carol, alice, bob, call } = parties;
    await consulting(parties);
    const bobEnds = waitForEvent(bob, 'call-ended');
    const aliceEnds = waitForEvent(alice, 'call-ended');
    await emitAck(carol, 'end-call', { callId: call.id });
    expect((await bobEnds).call).toMatchObject({ id: call.id, state: 'ended' });
    expect((await aliceEnds).call).toMatchObject({ endReason: 'completed', endedBy: 'carol' });
    const late = await emitAck(alice, 'complete-transfer', { callId: call.id });
    expect(late).toMatchObject({ ok: false, error: { code: expect.any(String) } });
    // Bob is free again: he can be called.
    const dan = await online(customer('dan'));
    await ringCall(dan, bob, 'bob');
    expect(events.map((e) => e.type)).not.toContain('call.transferred');
  });

  it('only the transferring agent completes; other tenants and non-parties get not-found', async () => {
    const parties = await activeCall();
    const { carol, bob, call } = parties;
    const complete = (who: TestClient) => emitAck(who, 'complete-transfer', { callId: call.id });
    // Before any consultation: nothing to complete.
    expect(await complete(parties.alice)).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    await consulting(parties);
    const mallory = await online(agent('mallory', 'other', 'Mallory'));
    const dave = await online(agent('dave', 'acme', 'Dave'));
    expect(await complete(carol)).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
    expect(await complete(bob)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await complete(mallory)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await complete(dave)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await emitAck(mallory, 'cancel-transfer', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    // Bob answering a second time changes nothing.
    expect(await emitAck(bob, 'accept-call', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    // A bad mode is refused at the edge.
    const bad = await emitAck(parties.alice, 'transfer-call', {
      callId: call.id,
      to: 'dave',
      mode: 'lukewarm' as 'warm',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    // Nothing changed: still consulting, still Alice's call.
    const record = await server.synapse.stores.registry.get(call.id);
    expect(record?.call).toMatchObject({
      to: { id: 'alice' },
      transfer: { state: 'consulting', to: { id: 'bob' } },
    });
  });

  it('the ring timeout does not stop a consultation', async () => {
    await server.restart({ ringTimeoutMs: 300 });
    const parties = await activeCall();
    await consulting(parties);
    await new Promise((r) => setTimeout(r, 600));
    const record = await server.synapse.stores.registry.get(parties.call.id);
    expect(record?.call.transfer?.state).toBe('consulting');
    const done = await emitAck(parties.alice, 'complete-transfer', { callId: parties.call.id });
    expect(done).toMatchObject({ ok: true });
  });
});
