import { afterEach, describe, expect, inject, it } from 'vitest';
import { listAudioDevices, type Call, type ClientCallState, type SynapseClient } from '../index';
import { hears, pageClient, uid } from '../../../../test/helpers/sdk-browser';
import { waitForEvent } from '../../../../test/helpers/sdk-events';
import { heardTone, probeTone } from '../../../../test/helpers/audio-probe';

const url = inject('serverUrl');
const secret = inject('jwtSecret');
const hz = inject('toneHz');
const clients: SynapseClient[] = [];

function client(sub: string): SynapseClient {
  const c = pageClient(url, secret, sub);
  clients.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
});

function reach(call: Call, state: ClientCallState): Promise<unknown> {
  if (call.state === state) return Promise.resolve();
  return waitForEvent(call, 'stateChanged', { filter: (s) => s === state });
}

/** Two users on this page in an answered P2P call. */
async function connectedPair() {
  const [aliceId, bobId] = [uid('alice'), uid('bob')];
  const alice = client(aliceId);
  const bob = client(bobId);
  await Promise.all([alice.connect(), bob.connect()]);
  const incoming = waitForEvent(bob, 'incomingCall');
  const out = await alice.call(bobId);
  const inc = await incoming;
  await inc.accept();
  await Promise.all([reach(out, 'active'), reach(inc, 'active')]);
  return { alice, bob, aliceId, bobId, out, inc };
}

describe('P2P calls in Chromium', () => {
  it('carries the microphone tone both ways, and mute silences it at the other end', async () => {
    const { out, inc } = await connectedPair();
    expect(out.mediaKind).toBe('p2p');
    expect(inc.mediaKind).toBe('p2p');
    expect(await hears(() => out.remoteStream, hz)).toBe(true);
    expect(await hears(() => inc.remoteStream, hz)).toBe(true);

    const mutedEvent = waitForEvent(out, 'mutedChanged');
    await out.mute();
    expect(await mutedEvent).toBe(true);
    expect(out.snapshot().muted).toBe(true);
    expect(await hears(() => inc.remoteStream, hz, false)).toBe(false);
    // Once silent it stays silent (not a single lucky probe).
    expect(heardTone(await probeTone(inc.remoteStream!, hz, 800), hz)).toBe(false);
    // The other direction is untouched.
    expect(await hears(() => out.remoteStream, hz)).toBe(true);

    await out.unmute();
    expect(await hears(() => inc.remoteStream, hz)).toBe(true);
  });

  it('keeps the call up and the audio flowing across a microphone switch', async () => {
    const { out, inc } = await connectedPair();
    const { inputs } = await listAudioDevices();
    expect(inputs.map((d) => d.deviceId)).toContain('default');
    const other = inputs.find((d) => d.deviceId !== 'default' && d.deviceId !== '')?.deviceId;
    const states: ClientCallState[] = [];
    inc.on('stateChanged', (s) => states.push(s));

    expect(other).toBeTruthy(); // Chromium's fake devices include "Fake Audio Input 1"
    const before = out.media?.localTrack;
    await out.setInputDevice(other as string);
    expect(out.media?.localTrack.getSettings().deviceId).toBe(other);
    expect(before?.readyState).toBe('ended'); // the old microphone was released
    expect(await hears(() => inc.remoteStream, hz)).toBe(true);
    await out.setInputDevice('default');
    expect(await hears(() => inc.remoteStream, hz)).toBe(true);
    // And the speaker of the other side can be switched (Chromium's fake outputs).
    const { outputs } = await listAudioDevices();
    const speaker = outputs.find((d) => d.deviceId !== 'default')?.deviceId ?? 'default';
    await inc.setOutputDevice(speaker);
    expect(await hears(() => out.remoteStream, hz)).toBe(true);
    expect(out.state).toBe('active');
    expect(states).toEqual([]);
  });

  it('reports remote audio level and quality from the live connection', async () => {
    const { out } = await connectedPair();
    const level = await waitForEvent(out, 'audioLevel', { filter: (l) => l > 0.05 });
    expect(level).toBeLessThanOrEqual(1);
    const quality = await waitForEvent(out, 'qualityChanged', {
      filter: (q) => q === 'excellent' || q === 'good',
    });
    expect(out.quality).toBe(quality);
    expect(out.audioBlocked).toBe(false);
  });

  it('resumes after a reload: a new client of the same user rejoins the audio without a new ring', async () => {
    const { bob, aliceId, out, inc } = await connectedPair();
    expect(await hears(() => inc.remoteStream, hz)).toBe(true);

    // "Reload": drop alice's client without hanging up, then start a new one for her.
    await clients[0].disconnect();
    expect(out.state).toBe('ended');
    let rang = false;
    bob.on('incomingCall', () => (rang = true));
    const alice2 = client(aliceId);
    const resumed = waitForEvent(alice2, 'callResumed');
    await alice2.connect();
    const call = await resumed;
    expect(call.id).toBe(out.id);
    await reach(call, 'active');
    expect(await hears(() => call.remoteStream, hz)).toBe(true);
    expect(await hears(() => inc.remoteStream, hz)).toBe(true);
    expect(inc.state).toBe('active');
    expect(rang).toBe(false);

    const ended = waitForEvent(inc, 'ended');
    await call.end();
    expect(await ended).toBe('completed');
  });
});
