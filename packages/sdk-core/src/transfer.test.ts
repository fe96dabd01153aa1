import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SynapseError, type Call, type CallTransfer, type ClientCallState } from './index';
import { startFixture, type Fixture } from '@synapse-calling/test-utils/sdk/sdk-fixtures';
import { waitForEvent } from '@synapse-calling/test-utils/sdk/sdk-events';

// Signalling only (Node has no WebRTC); the demo's browser test covers audio on every leg.
let fx: Fixture;
beforeEach(async () => {
  fx = await startFixture({
    lineCooldownMs: 0,
    lines: { acme: { support: { name: 'Support', members: ['alice', 'bob'] } } },
  });
});
afterEach(async () => {
  await fx.close();
});

function reach(call: Call, state: ClientCallState): Promise<void> {
  if (call.state === state) return Promise.resolve();
  return waitForEvent(call, 'stateChanged', { filter: (s) => s === state }).then(() => undefined);
}

/** Carol (a customer) in an active call with Alice; Bob, another agent, online. */
async function inCall() {
  const alice = await fx.connect('alice');
  const bob = await fx.connect('bob');
  const carol = await fx.connect('carol', { role: 'customer' });
  const aliceRings = waitForEvent(alice, 'incomingCall');
  const call = await carol.call('alice');
  const atAlice = await aliceRings;
  await atAlice.accept();
  await reach(call, 'active');
  return { alice, bob, carol, call, atAlice };
}

describe('call.transfer', () => {
  it('blind to an agent: Bob rings with who transfers whom, then the customer has Bob', async () => {
    const { bob, call, atAlice } = await inCall();
    const bobRings = waitForEvent(bob, 'incomingCall');
    const customerTold = waitForEvent(call, 'transferChanged');
    await atAlice.transfer({ to: 'bob' });
    expect(atAlice.pendingTransfer).toMatchObject({ to: { name: 'BOB' } });

    const atBob = await bobRings;
    // What Bob's page shows: "Transfer from ALICE: CAROL".
    expect(atBob.state).toBe('ringing');
    expect(atBob.peer.name).toBe('CAROL');
    expect(atBob.snapshot().transfer?.by.name).toBe('ALICE');
    // What Carol's page shows: "Transferring you to BOB…"; the call goes on.
    expect(((await customerTold) as CallTransfer).to.name).toBe('BOB');
    expect(call.state).toBe('active');

    const transferred = waitForEvent(call, 'transferred');
    const aliceDone = waitForEvent(atAlice, 'ended');
    await atBob.accept();
    expect((await transferred).name).toBe('BOB');
    expect(await aliceDone).toBe('completed');
    await reach(atBob, 'active');
    expect(call.peer).toMatchObject({ id: 'bob', name: 'BOB' });
    expect(call.state).toBe('active');
    expect(call.pendingTransfer).toBeNull();
    expect(atBob.peer.name).toBe('CAROL');
    await call.end();
    await reach(atBob, 'ended');
  });

  it('to a line, declined: the call stays with Alice; cancel stops the ringing', async () => {
    const { bob, call, atAlice } = await inCall();
    let bobRings = waitForEvent(bob, 'incomingCall');
    await atAlice.transfer({ toLine: 'support' });
    let atBob = await bobRings;
    const stopped = waitForEvent(call, 'transferChanged', { filter: (t) => t === null });
    await atBob.reject();
    await stopped;
    expect(call.peer.id).toBe('alice');

    bobRings = waitForEvent(bob, 'incomingCall');
    await atAlice.transfer({ to: 'bob' });
    atBob = await bobRings;
    const bobStops = waitForEvent(atBob, 'ended');
    await atAlice.cancelTransfer();
    expect(await bobStops).toBe('cancelled');
    expect(atAlice.pendingTransfer).toBeNull();
    expect(atAlice.state).toBe('active');
  });

  it('a customer may not transfer; an unknown agent is not found', async () => {
    const { call, atAlice } = await inCall();
    await expect(call.transfer({ to: 'bob' })).rejects.toMatchObject({ code: 'forbidden' });
    const err: unknown = await atAlice.transfer({ to: 'nobody' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SynapseError);
    expect(err).toMatchObject({ code: 'not-found' });
  });

  it('warm: Bob answers into a consultation while the call is on hold, then Alice completes', async () => {
    const { bob, call, atAlice } = await inCall();
    const bobRings = waitForEvent(bob, 'incomingCall');
    await atAlice.transfer({ to: 'bob' }, { mode: 'warm' });
    expect(atAlice.pendingTransfer).toMatchObject({ mode: 'warm', state: 'ringing' });
    const atBob = await bobRings;
    expect(atBob.state).toBe('ringing');
    expect(atBob.peer.name).toBe('CAROL');

    const customerHeld = waitForEvent(call, 'transferChanged', {
      filter: (t) => t?.state === 'consulting',
    });
    await atBob.accept();
    await customerHeld;
    // Carol's panel: "On hold — ALICE is consulting"; Alice's: "Consulting BOB".
    expect(call.onHold).toBe(true);
    expect(call.snapshot()).toMatchObject({ onHold: true, transfer: { by: { name: 'ALICE' } } });
    await reach(atBob, 'active');
    // Bob talks with Alice now; the call is not his yet.
    expect(atBob.peer.name).toBe('ALICE');
    expect(atBob.onHold).toBe(false);
    await vi.waitFor(() => expect(atAlice.onHold).toBe(true));
    expect(atAlice.pendingTransfer?.state).toBe('consulting');

    const transferred = waitForEvent(call, 'transferred');
    const bobHasIt = waitForEvent(atBob, 'transferred');
    await atAlice.completeTransfer();
    expect(atAlice.state).toBe('ended');
    expect(atAlice.endReason).toBe('completed');
    expect((await transferred).name).toBe('BOB');
    expect((await bobHasIt).name).toBe('CAROL');
    expect(call.onHold).toBe(false);
    expect(atBob.peer.name).toBe('CAROL');
    expect(atBob.state).toBe('active');
  });

  it('warm, cancelled while consulting: Bob ends, Alice and Carol are off hold', async () => {
    const { bob, call, atAlice } = await inCall();
    const bobRings = waitForEvent(bob, 'incomingCall');
    await atAlice.transfer({ to: 'bob' }, { mode: 'warm' });
    const atBob = await bobRings;
    const held = waitForEvent(call, 'transferChanged', {
      filter: (t) => t !== null && t.state === 'consulting',
    });
    await atBob.accept();
    await held;
    const released = waitForEvent(call, 'transferChanged', { filter: (t) => t === null });
    const bobEnds = waitForEvent(atBob, 'ended');
    await atAlice.cancelTransfer();
    await released;
    expect(await bobEnds).toBe('cancelled');
    expect(call.onHold).toBe(false);
    expect(atAlice.onHold).toBe(false);
    expect(atAlice.state).toBe('active');
    await expect(atAlice.completeTransfer()).rejects.toMatchObject({ code: 'invalid-state' });
  });
});
