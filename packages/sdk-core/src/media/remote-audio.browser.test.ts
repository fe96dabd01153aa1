import { afterEach, describe, expect, it } from 'vitest';
import { RemoteAudio } from './remote-audio';

// Chromium in the test rig runs with --autoplay-policy=no-user-gesture-required, so a blocked
// autoplay cannot happen for real here: the refusal is reproduced by making play() reject the
// way Chromium does under its default policy (NotAllowedError).
const realPlay = HTMLMediaElement.prototype.play;
afterEach(() => {
  HTMLMediaElement.prototype.play = realPlay;
});

describe('remote audio playback', () => {
  it('reports blocked autoplay and recovers through start() (a click)', async () => {
    HTMLMediaElement.prototype.play = () =>
      Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError'));
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const remote = new RemoteAudio();
    const changes: boolean[] = [];
    remote.on('audioBlockedChanged', (b) => changes.push(b));
    remote.attach(stream);
    await remote.play();
    expect(remote.audioBlocked).toBe(true);

    HTMLMediaElement.prototype.play = realPlay;
    await remote.start();
    expect(remote.audioBlocked).toBe(false);
    expect(changes).toEqual([true, false]);
    remote.close();
    stream.getTracks().forEach((t) => t.stop());
  });

  it('measures the level of the stream it plays', async () => {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    const remote = new RemoteAudio();
    const level = await new Promise<number>((resolve) => {
      remote.on('audioLevel', (l) => l > 0.05 && resolve(l));
      remote.attach(stream);
    });
    expect(level).toBeLessThanOrEqual(1);
    remote.close();
    stream.getTracks().forEach((t) => t.stop());
  });
});
