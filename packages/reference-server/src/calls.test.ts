import { describe, expect, it } from 'vitest';
import type { CallInfo } from '@synapse-calling/protocol';
import {
  agent,
  customer,
  emitAck,
  recordEvents,
  waitForEvent,
  type TestClient,
  useTestServer,
} from '@synapse-calling/test-utils/server';

const server = useTestServer({ ringTimeoutMs: 20_000 });
/** Agents named by their id in capitals, so names in events are known. */
const namedAgent = (sub: string, tenant = 'acme') => agent(sub, tenant, sub.toUpperCase());

async function ring(caller: TestClient, callee: TestClient, to: string): Promise<CallInfo> {
  const incoming = waitForEvent(callee, 'incoming-call');
  const ack = await emitAck(caller, 'initiate-call', { to, metadata: { crmId: 'lead-42' } });
  if (!ack.ok) throw new Error(`initiate failed: ${ack.error.code}`);
  const { call } = await incoming;
  expect(call.id).toBe(ack.call.id);
  return ack.call;
}

describe('call flows', () => {
  it('rings, is accepted and hung up: completed', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const bob = await server.connect(namedAgent('bob'));
    const call = await ring(alice, bob, 'bob');
    expect(call).toMatchObject({
      state: 'ringing',
      from: { id: 'alice', name: 'ALICE', role: 'agent' },
      to: { id: 'bob', name: 'BOB', role: 'agent' },
      metadata: { crmId: 'lead-42' },
    });

    const accepted = waitForEvent(alice, 'call-accepted');
    const ack = await emitAck(bob, 'accept-call', { callId: call.id });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(ack.call.state).toBe('active');
    expect(ack.media).toMatchObject({ kind: 'p2p', polite: true, iceServers: [] });
    const forCaller = await accepted;
    expect(forCaller.call.state).toBe('active');
    expect(forCaller.media).toMatchObject({ kind: 'p2p', polite: false });

    const endedForBob = waitForEvent(bob, 'call-ended');
    const endedForAlice = waitForEvent(alice, 'call-ended');
    const end = await emitAck(alice, 'end-call', { callId: call.id });
    expect(end).toMatchObject({
      ok: true,
      call: { state: 'ended', endReason: 'completed', endedBy: 'alice' },
    });
    expect((await endedForBob).call.endReason).toBe('completed');
    expect((await endedForAlice).call.endReason).toBe('completed');
  });

  it('says the media kind (p2p) on the ack, the ring and sync, and keeps it to the end', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const bob = await server.connect(namedAgent('bob'));
    const incoming = waitForEvent(bob, 'incoming-call');
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(ack.call.mediaKind).toBe('p2p');
    expect((await incoming).call.mediaKind).toBe('p2p');
    const sync = await emitAck(bob, 'sync', {});
    if (!sync.ok) throw new Error(sync.error.code);
    expect(sync.calls.map((c) => c.call)).toMatchObject([{ id: ack.call.id, mediaKind: 'p2p' }]);
    const ended = waitForEvent(bob, 'call-ended');
    await emitAck(alice, 'end-call', { callId: ack.call.id });
    expect((await ended).call).toMatchObject({ endReason: 'cancelled', mediaKind: 'p2p' });
  });

  it('rejected by the callee: caller gets call-rejected', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const bob = await server.connect(customer('bob'));
    const call = await ring(alice, bob, 'bob');
    const rejected = waitForEvent(alice, 'call-rejected');
    const ended = waitForEvent(alice, 'call-ended');
    const ack = await emitAck(bob, 'reject-call', { callId: call.id, reason: 'in a meeting' });
    expect(ack).toMatchObject({ ok: true, call: { endReason: 'rejected', endedBy: 'bob' } });
    expect((await rejected).call.endReason).toBe('rejected');
    expect((await ended).call.endReason).toBe('rejected');
  });

  it('cancelled by the caller while ringing', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const bob = await server.connect(namedAgent('bob'));
    const call = await ring(alice, bob, 'bob');
    const ended = waitForEvent(bob, 'call-ended');
    const ack = await emitAck(alice, 'end-call', { callId: call.id });
    expect(ack).toMatchObject({ ok: true, call: { endReason: 'cancelled' } });
    expect((await ended).call).toMatchObject({
      id: call.id,
      endReason: 'cancelled',
      endedBy: 'alice',
    });
  });

  it('unanswered: missed after the ring timeout, on every connection of both parties', async () => {
    // A server of its own with a short ring, so the other tests never race the ring timeout.
    await server.restart({ ringTimeoutMs: 500 });
    const alice = await server.connect(namedAgent('alice'));
    const bob1 = await server.connect(namedAgent('bob'));
    const bob2 = await server.connect(namedAgent('bob'));
    const call = await ring(alice, bob1, 'bob');
    const ended = await Promise.all([
      waitForEvent(alice, 'call-ended'),
      waitForEvent(bob1, 'call-ended'),
      waitForEvent(bob2, 'call-ended'),
    ]);
    for (const { call: c } of ended) expect(c).toMatchObject({ id: call.id, endReason: 'missed' });
    expect(ended[0].call.endedBy).toBeUndefined();
  });

  it('rings every tab of the callee; the first accept wins, the others hear answered-elsewhere', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const tabs = [await server.connect(namedAgent('bob')), await server.connect(namedAgent('bob'))];
    const incoming = tabs.map((t) => waitForEvent(t, 'incoming-call'));
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    await Promise.all(incoming);

    const events = tabs.map((t) => recordEvents(t, ['call-answered-elsewhere']));
    const acks = await Promise.all(
      tabs.map((t) => emitAck(t, 'accept-call', { callId: ack.call.id })),
    );
    // Exactly one of two racing accepts wins; the other is told the state moved on.
    const winner = acks.findIndex((a) => a.ok);
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
    expect(acks[1 - winner]).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
    // The losing tab hears answered-elsewhere (possibly before its own ack); the winner never
    // does: its ack left after any event the accept emitted to it.
    if (events[1 - winner]?.length === 0) {
      await waitForEvent(tabs[1 - winner] as TestClient, 'call-answered-elsewhere');
    }
    expect(events[1 - winner]?.map((e) => e.name)).toEqual(['call-answered-elsewhere']);
    expect(events[winner]).toEqual([]);
  });

  it('callee declining with end-call while ringing: rejected, and every tab learns it', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const bob1 = await server.connect(namedAgent('bob'));
    const bob2 = await server.connect(namedAgent('bob'));
    const call = await ring(alice, bob1, 'bob');
    const rejected = waitForEvent(alice, 'call-rejected');
    const endedOnOtherTab = waitForEvent(bob2, 'call-ended');
    expect(await emitAck(bob1, 'end-call', { callId: call.id })).toMatchObject({
      ok: true,
      call: { state: 'ended', endReason: 'rejected', endedBy: 'bob' },
    });
    expect((await rejected).call.endReason).toBe('rejected');
    expect((await endedOnOtherTab).call.endReason).toBe('rejected');
  });

  it('a cancel reaches every ringing tab of the callee as call-ended (cancelled) only', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const tabs = [await server.connect(namedAgent('bob')), await server.connect(namedAgent('bob'))];
    const incoming = tabs.map((t) => waitForEvent(t, 'incoming-call'));
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    await Promise.all(incoming);
    const names = [
      'call-ended',
      'call-rejected',
      'call-accepted',
      'call-answered-elsewhere',
    ] as const;
    const events = tabs.map((t) => recordEvents(t, [...names]));
    const ended = tabs.map((t) => waitForEvent(t, 'call-ended'));
    expect(await emitAck(alice, 'end-call', { callId: ack.call.id })).toMatchObject({
      ok: true,
      call: { endReason: 'cancelled' },
    });
    await Promise.all(ended);
    // A round trip on each tab: anything else sent for this call would have arrived by now.
    for (const tab of tabs) expect(await emitAck(tab, 'heartbeat', {})).toEqual({ ok: true });
    for (const seen of events) {
      expect(seen).toEqual([
        {
          name: 'call-ended',
          payload: {
            call: expect.objectContaining({
              id: ack.call.id,
              state: 'ended',
              endReason: 'cancelled',
              endedBy: 'alice',
            }),
          },
        },
      ]);
    }
  });

  it('busy: calling someone already in a call is refused and logged as busy', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const bob = await server.connect(namedAgent('bob'));
    const carol = await server.connect(namedAgent('carol'));
    const call = await ring(alice, bob, 'bob');
    await emitAck(bob, 'accept-call', { callId: call.id });
    const ack = await emitAck(carol, 'initiate-call', { to: 'bob' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'busy' } });
    // Ringing calls count too: bob cannot be rung twice at once.
    const dave = await server.connect(namedAgent('dave'));
    const erin = await server.connect(namedAgent('erin'));
    await ring(dave, erin, 'erin');
    expect(await emitAck(carol, 'initiate-call', { to: 'erin' })).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });
    const token = await server.mintToken(namedAgent('carol'));
    const res = await fetch(`${server.url}/api/calls`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { calls } = (await res.json()) as { calls: CallInfo[] };
    expect(calls.map((c) => c.endReason)).toEqual(['busy', 'busy']);
  });

  it('glare: two people calling each other at once end up in one active call', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const bob = await server.connect(namedAgent('bob'));
    const first = await ring(alice, bob, 'bob');
    const accepted = waitForEvent(alice, 'call-accepted');
    const ack = await emitAck(bob, 'initiate-call', { to: 'alice' });
    if (!ack.ok) throw new Error(ack.error.code);
    expect(ack.call).toMatchObject({ id: first.id, state: 'active', from: { id: 'alice' } });
    expect(ack.media).toMatchObject({ kind: 'p2p', polite: true });
    expect((await accepted).call.id).toBe(first.id);
    expect(await server.synapse.stores.registry.all()).toHaveLength(1);
  });

  it('duplicate and late messages are harmless no-ops with an error ack', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const bob = await server.connect(namedAgent('bob'));
    const call = await ring(alice, bob, 'bob');
    // A second initiate to the same callee while ringing is the same call.
    const again = await emitAck(alice, 'initiate-call', { to: 'bob' });
    expect(again).toMatchObject({ ok: true, call: { id: call.id } });
    expect(await emitAck(alice, 'accept-call', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await emitAck(bob, 'accept-call', { callId: call.id })).toMatchObject({ ok: true });
    expect(await emitAck(bob, 'accept-call', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    expect(await emitAck(bob, 'reject-call', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid-state' },
    });
    expect(await emitAck(bob, 'end-call', { callId: call.id })).toMatchObject({ ok: true });
    for (const client of [alice, bob]) {
      expect(await emitAck(client, 'end-call', { callId: call.id })).toMatchObject({
        ok: false,
        error: { code: 'invalid-state' },
      });
    }
    expect(await emitAck(bob, 'accept-call', { callId: 'no-such-call' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    // Someone who is not a party learns nothing about the call.
    const carol = await server.connect(namedAgent('carol'));
    expect(await emitAck(carol, 'end-call', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
  });

  it('refuses calling yourself, offline users and (for customers) other customers', async () => {
    const alice = await server.connect(namedAgent('alice'));
    const cust = await server.connect(customer('cust'));
    await server.connect(customer('other'));
    expect(await emitAck(alice, 'initiate-call', { to: 'alice' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await emitAck(alice, 'initiate-call', { to: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'offline' },
    });
    // A customer may not see other customers, so the refusal is the one an unknown id gets.
    expect(await emitAck(cust, 'initiate-call', { to: 'other' })).toEqual(
      await emitAck(cust, 'initiate-call', { to: 'nobody' }),
    );
    expect(await emitAck(cust, 'initiate-call', { to: 'other' })).toMatchObject({
      ok: false,
      error: { code: 'offline' },
    });
    const toAgent = await emitAck(cust, 'initiate-call', { to: 'alice' });
    expect(toAgent).toMatchObject({ ok: true, call: { from: { id: 'cust', role: 'customer' } } });
  });

  it('never reaches users of another tenant', async () => {
    const alice = await server.connect(namedAgent('alice', 'acme'));
    const bobElsewhere = await server.connect(namedAgent('bob', 'globex'));
    const events = recordEvents(bobElsewhere, ['incoming-call']);
    expect(await emitAck(alice, 'initiate-call', { to: 'bob' })).toMatchObject({
      ok: false,
      error: { code: 'offline' },
    });
    // A same-tenant round trip proves bob's socket was alive to receive anything leaked.
    const carol = await server.connect(namedAgent('carol', 'globex'));
    await ring(carol, bobElsewhere, 'bob');
    expect(events).toHaveLength(1);
  });
});
