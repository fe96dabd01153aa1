import { describe, expect, inject, it } from 'vitest';
import { heardTone, probeTone } from './audio-probe';

describe('browser project', () => {
  it('runs in real Chromium whose fake microphone plays the configured tone', async () => {
    const hz = inject('toneHz');
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    const probe = await probeTone(stream, hz);
    stream.getTracks().forEach((t) => t.stop());
    expect(navigator.userAgent).toContain('Chrome');
    expect(heardTone(probe, hz)).toBe(true);
    expect(heardTone(probe, hz * 2)).toBe(false);
  });

  it('can reach the real reference server across origins (its REST API answers with CORS)', async () => {
    const res = await fetch(`${inject('serverUrl')}/api/calls`);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
  });
});
