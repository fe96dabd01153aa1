import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SynapseError, type Call, type ClientCallState, type SynapseClient } from './index';
import { startFixture, type Fixture } from '@synapse-calling/test-utils/sdk/sdk-fixtures';
import { waitForEvent } from '@synapse-calling/test-utils/sdk/sdk-events';

// Node has no WebRTC, so these calls are signalling-only (`media` defaults to false here); the
// browser tests cover audio.
let fx: Fixture;
beforeEach(async () => {
  fx = await startFixture({ ringTimeoutMs: 1_500, reconnectGraceMs: 1_000 });
});
afterEach(async () => {
  await fx.close();
});

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SynapseError);
  expect((err as SynapseError).code).toBe(code);
}

/** Resolves when `call` reaches `state` (now or later). */
function reach(call: Call, state: ClientCallState): Promise<void> {
  if (call.state === state) return Promise.resolve();
  return waitForEvent(call, 'stateChanged', { filter: (s) => s === state }).then(() => undefined);
}

/** alice calls bob; resolves with both sides' Call while ringing. */
async function ring(alice: SynapseClient, bob: SynapseClient, metadata?: Record<string, unknown>) {
  const incoming = waitForEvent(bob, 'incomingCall');
  const out = await alice.call('bob', { metadata });
  const inc = await incoming;
  return { out, inc };
}

describe('call flows', () => {
  it('rings, is answered, and hangs up as completed; every step is an event and in the snapshot', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const started = waitForEvent(alice, 'callStarted');
    const { out, inc } = await ring(alice, bob, { crmId: 42 });
    expect(await started).toBe(out);
    expect(out).toMatchObject({ id: inc.id, direction: 'outgoing', state: 'ringing' });
    expect(out.peer).toEqual({ id: 'bob', name: 'BOB', role: 'agent' });
    expect(inc).toMatchObject({ direction: 'incoming', state: 'ringing', metadata: { crmId: 42 } });
    expect(inc.peer.id).toBe('alice');
    expect(alice.getSnapshot().activeCall?.id).toBe(out.id);
    expect(bob.getSnapshot().incomingCalls.map((c) => c.id)).toEqual([inc.id]);
    expect(bob.calls.active).toBeNull();

    const states: ClientCallState[] = [];
    out.on('stateChanged', (s) => states.push(s));
    await inc.accept();
    await reach(out, 'active');
    expect(inc.state).toBe('active');
    expect(out.startedAt).toEqual(expect.any(Number));
    expect(bob.getSnapshot().activeCall?.state).toBe('active');
    expect(bob.getSnapshot().incomingCalls).toHaveLength(0);

    const bobEnded = waitForEvent(bob, 'callEnded');
    const aliceEnded = waitForEvent(out, 'ended');
    await out.end();
    expect(await aliceEnded).toBe('completed');
    expect((await bobEnded).endReason).toBe('completed');
    expect(states).toEqual(['active', 'ended']);
    expect(alice.getSnapshot().activeCall).toBeNull();
    expect(alice.getSnapshot().lastEndedCall).toMatchObject({ id: out.id, endReason: 'completed' });
    await out.end(); // idempotent

    const history = await alice.fetchCallHistory({ limit: 5 });
    expect(history.calls[0]).toMatchObject({ id: out.id, state: 'ended', endReason: 'completed' });
  });

  it('ends as rejected when the callee declines', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const { out, inc } = await ring(alice, bob);
    const ended = waitForEvent(out, 'ended');
    await inc.reject('in a meeting');
    expect(await ended).toBe('rejected');
    expect(inc.endReason).toBe('rejected');
  });

  it('ends as cancelled when the caller hangs up while it rings', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const { out, inc } = await ring(alice, bob);
    const ended = waitForEvent(inc, 'ended');
    await out.end();
    expect(await ended).toBe('cancelled');
    expect(out.endReason).toBe('cancelled');
  });

  it('ends as missed when nobody answers', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const { out, inc } = await ring(alice, bob);
    const [a, b] = await Promise.all([waitForEvent(out, 'ended'), waitForEvent(inc, 'ended')]);
    expect([a, b]).toEqual(['missed', 'missed']);
  });

  it('ends as disconnected when a party vanishes mid-call and does not come back', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const { out, inc } = await ring(alice, bob);
    await inc.accept();
    await reach(out, 'active');
    const ended = waitForEvent(inc, 'ended');
    await alice.disconnect();
    expect(out.state).toBe('ended'); // this client let go of it
    expect(await ended).toBe('disconnected');
  });

  it('resumes an active call in a new client of the same user without ringing again', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const { out, inc } = await ring(alice, bob);
    await inc.accept();
    await reach(out, 'active');
    await alice.disconnect();

    const alice2 = fx.client('alice');
    const resumed = waitForEvent(alice2, 'callResumed');
    const rang = waitForEvent(bob, 'incomingCall', { timeoutMs: 1_500 }).then(
      () => true,
      () => false,
    );
    await alice2.connect();
    const call = await resumed;
    expect(call).toMatchObject({ id: out.id, state: 'active', direction: 'outgoing' });
    expect(alice2.calls.active).toBe(call);
    expect(await rang).toBe(false);
    expect(inc.state).toBe('active');

    const ended = waitForEvent(inc, 'ended');
    await call.end();
    expect(await ended).toBe('completed');
  });

  it('learns how a call ended while the connection was down', async () => {
    const alice = await fx.connect('alice', { reconnect: { initialDelayMs: 1_500, jitter: 0 } });
    const bob = await fx.connect('bob');
    const { out, inc } = await ring(alice, bob);
    await inc.accept();
    await reach(out, 'active');
    const down = waitForEvent(alice, 'connectionStateChanged', {
      filter: (s) => s === 'reconnecting',
    });
    for (const s of fx.server.synapse.namespace.sockets.values()) {
      if (s.data.identity.userId === 'alice') s.disconnect(true);
    }
    await down;
    await inc.end(); // bob hangs up while alice is away
    expect(await waitForEvent(out, 'ended')).toBe('completed');
  });

  it('answers on one device and ends the ring on the others as answered-elsewhere', async () => {
    const alice = await fx.connect('alice');
    const bobDesk = await fx.connect('bob');
    const bobPhone = await fx.connect('bob');
    const onPhone = waitForEvent(bobPhone, 'incomingCall');
    const { out, inc } = await ring(alice, bobDesk);
    const phoneCall = await onPhone;
    expect(phoneCall.id).toBe(inc.id);

    const ended = waitForEvent(phoneCall, 'ended');
    await inc.accept();
    expect(await ended).toBe('answered-elsewhere');
    expect(bobPhone.getSnapshot().lastEndedCall?.endReason).toBe('answered-elsewhere');
    await reach(out, 'active');
  });

  it('resolves glare (both call each other at once) into one answered call', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const [a, b] = await Promise.all([alice.call('bob'), bob.call('alice')]);
    expect(a.id).toBe(b.id);
    await Promise.all([reach(a, 'active'), reach(b, 'active')]);
  });
});

describe('typed errors', () => {
  it('busy, offline and forbidden come back as SynapseError codes', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const carol = await fx.connect('carol');
    const cust = await fx.connect('cust', { role: 'customer' });
    await fx.connect('cust2', { role: 'customer' });
    const { out, inc } = await ring(alice, bob);
    await inc.accept();
    await reach(out, 'active');

    await rejectsWith(carol.call('bob'), 'busy');
    await rejectsWith(carol.call('nobody'), 'offline');
    // Customers may not see each other: the server refuses as it would for an unknown id.
    await rejectsWith(cust.call('cust2'), 'offline');

    // `forbidden` is for a callee the caller may see but the call policy refuses.
    await fx.close();
    fx = await startFixture({ canCall: (_from, to) => to.id !== 'vip' });
    await fx.connect('vip');
    await rejectsWith((await fx.connect('alice')).call('vip'), 'forbidden');
  });

  it('refuses a second call, accepting an ended call, and rejecting an outgoing one', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    await fx.connect('carol');
    const { out, inc } = await ring(alice, bob);
    await rejectsWith(alice.call('carol'), 'already-in-call');
    await rejectsWith(out.accept(), 'invalid-state');
    await rejectsWith(out.reject(), 'invalid-state');

    const ended = waitForEvent(inc, 'ended');
    await out.end();
    await ended;
    await rejectsWith(inc.accept(), 'invalid-state');
    await rejectsWith(inc.reject(), 'invalid-state');
  });
});
