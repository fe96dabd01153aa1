import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SynapseError, type CallQueue, type ClientCallState, type Call } from './index';
import { startFixture, type Fixture } from '@synapse-calling/test-utils/sdk/sdk-fixtures';
import { waitForEvent } from '@synapse-calling/test-utils/sdk/sdk-events';

// Signalling only (Node has no WebRTC); the demo's browser test covers audio on a line call.
let fx: Fixture;
beforeEach(async () => {
  fx = await startFixture({
    lineCooldownMs: 0,
    lines: {
      acme: {
        support: { name: 'Support', members: ['alice', 'bob'] },
        night: {
          name: 'Night desk',
          members: ['alice'],
          // No opening days: closed whenever the test runs.
          businessHours: { timeZone: 'UTC', days: {} },
          closedMessage: 'We answer from 9:00.',
        },
      },
    },
  });
});
afterEach(async () => {
  await fx.close();
});

function reach(call: Call, state: ClientCallState): Promise<void> {
  if (call.state === state) return Promise.resolve();
  return waitForEvent(call, 'stateChanged', { filter: (s) => s === state }).then(() => undefined);
}

describe('calls to a line', () => {
  it('rings an agent; the peer follows the agent who answers', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const erin = await fx.connect('erin', { role: 'customer' });
    const rings = Promise.race(
      [alice, bob].map((c, i) =>
        waitForEvent(c, 'incomingCall').then((incoming) => ({
          agent: ['alice', 'bob'][i],
          incoming,
        })),
      ),
    );
    const call = await erin.callLine('support', { metadata: { topic: 'billing' } });
    expect(call).toMatchObject({ line: 'support', state: 'ringing', queue: null });
    const { agent, incoming } = await rings;
    expect(incoming).toMatchObject({ id: call.id, metadata: { topic: 'billing' } });
    expect(call.peer.id).toBe(agent);

    await incoming.accept();
    await reach(call, 'active');
    expect(call.peer).toMatchObject({ id: agent, name: agent?.toUpperCase() });
    expect(erin.getSnapshot().activeCall).toMatchObject({ line: 'support', peer: { id: agent } });
    await call.end();
  });

  it('waits in line with its place in the snapshot, and rings the agent who hangs up', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const dan = await fx.connect('dan', { role: 'customer' });
    const erin = await fx.connect('erin', { role: 'customer' });
    // Both agents busy: alice in a direct call, bob in a line call.
    const aliceRings = waitForEvent(alice, 'incomingCall');
    const direct = await dan.call('alice');
    await (await aliceRings).accept();
    await reach(direct, 'active');
    const bobRings = waitForEvent(bob, 'incomingCall');
    const first = await fx
      .connect('fay', { role: 'customer' })
      .then((fay) => fay.callLine('support'));
    const bobCall = await bobRings;
    await bobCall.accept();
    await reach(first, 'active');

    const queued = await erin.callLine('support');
    const queue =
      queued.queue ??
      (await waitForEvent(queued, 'queueChanged', { filter: (q: CallQueue | null) => !!q }));
    expect(queue).toEqual({ position: 1, expectedWaitMs: expect.any(Number) });
    expect(queued.peer).toEqual({
      id: `line:support#${queued.id}`,
      name: 'Support',
      role: 'agent',
    });
    expect(erin.getSnapshot().activeCall?.queue).toEqual(queue);

    // Bob hangs up: the waiting call rings him; the queue is over once he answers.
    const bobAgain = waitForEvent(bob, 'incomingCall');
    await bobCall.end();
    const next = await bobAgain;
    expect(next.id).toBe(queued.id);
    const left = waitForEvent(queued, 'queueChanged', { filter: (q) => q === null });
    await next.accept();
    await reach(queued, 'active');
    await left;
    expect(queued.peer.id).toBe('bob');
    expect(erin.getSnapshot().activeCall).toMatchObject({ queue: null, peer: { id: 'bob' } });
  });

  it('refuses a closed line with a typed line-closed error carrying its message', async () => {
    const erin = await fx.connect('erin', { role: 'customer' });
    const err = await erin.callLine('night').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SynapseError);
    expect(err).toMatchObject({ code: 'line-closed', message: 'We answer from 9:00.' });
    expect(erin.calls.active).toBeNull();
  });

  it('reads a line status: counts only; not-found for an unknown line', async () => {
    await fx.connect('alice');
    const erin = await fx.connect('erin', { role: 'customer' });
    await expect(erin.lines.status('support')).resolves.toMatchObject({
      id: 'support',
      name: 'Support',
      open: true,
      waiting: 0,
    });
    await expect(erin.lines.status('night')).resolves.toMatchObject({
      open: false,
      closedMessage: 'We answer from 9:00.',
      agentsAvailable: 0,
    });
    const missing = await erin.lines.status('nope').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'not-found' });
  });
});
