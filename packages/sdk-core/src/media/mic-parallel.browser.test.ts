import { afterEach, describe, expect, inject, it } from 'vitest';
import { SynapseError, type Call, type SynapseClient } from '../index';
import { pageClient, uid } from '@synapse-calling/test-utils/sdk/sdk-browser';
import { waitForEvent } from '@synapse-calling/test-utils/sdk/sdk-events';

/**
 * Issue 14: with microphone permission already granted (this project's browser context grants
 * it), a call rings while the microphone opens instead of after; a microphone that still fails
 * cancels the ring at once. Real Chromium, real server, the fake capture device.
 */
const url = inject('serverUrl');
const secret = inject('jwtSecret');
const clients: SynapseClient[] = [];

function client(sub: string, options: Parameters<typeof pageClient>[3] = {}): SynapseClient {
  const c = pageClient(url, secret, sub, options);
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
});

/** Notes, in order, when getUserMedia was asked and answered (observes; changes nothing). */
function observeGetUserMedia(log: string[]): () => void {
  const media = navigator.mediaDevices;
  const original = media.getUserMedia;
  media.getUserMedia = async function (this: MediaDevices, constraints) {
    log.push('microphone asked');
    try {
      return await original.call(this, constraints);
    } finally {
      log.push('microphone answered');
    }
  };
  return () => {
    media.getUserMedia = original;
  };
}

describe('placing a call with microphone permission granted', () => {
  it('sends initiate-call while the microphone is still opening, and the call still carries it', async () => {
    expect(
      (await navigator.permissions.query({ name: 'microphone' as PermissionName })).state,
    ).toBe('granted');
    const [aliceId, bobId] = [uid('alice'), uid('bob')];
    const alice = client(aliceId);
    const bob = client(bobId);
    await Promise.all([alice.connect(), bob.connect()]);
    const log: string[] = [];
    alice.on('protocolMessage', ({ direction, event }) => {
      if (direction === 'out' && event === 'initiate-call') log.push('initiate-call sent');
    });
    const restore = observeGetUserMedia(log);
    const incoming = waitForEvent(bob, 'incomingCall');
    let out: Call;
    try {
      out = await alice.call(bobId);
    } finally {
      restore();
    }
    expect(log).toEqual(['microphone asked', 'initiate-call sent', 'microphone answered']);
    const inc = await incoming;
    await inc.accept();
    await waitForEvent(out, 'stateChanged', { filter: (s) => s === 'active' });
    // The microphone opened in parallel is the one the call sends.
    expect(out.media?.localTrack?.readyState).toBe('live');
    await out.end();
  });

  it('cancels the ring at once when the microphone then fails, and rejects with why', async () => {
    const [aliceId, bobId] = [uid('alice'), uid('bob')];
    // No such device: getUserMedia fails although permission is granted.
    const alice = client(aliceId, { audioConstraints: { deviceId: { exact: 'no-such-mic' } } });
    const bob = client(bobId);
    await Promise.all([alice.connect(), bob.connect()]);
    const ended = waitForEvent(bob, 'callEnded');
    const err = await alice.call(bobId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SynapseError);
    expect((err as SynapseError).code).toBe('media-device-not-found');
    // Bob's browser rang for an instant; the call ended as cancelled, nothing left ringing.
    expect((await ended).endReason).toBe('cancelled');
    expect(bob.getSnapshot().incomingCalls).toEqual([]);
    expect(alice.getSnapshot().activeCall).toBeNull();
    expect(alice.calls.active).toBeNull();
  });
});
