import { describe, expect, it } from 'vitest';
import { TypedEmitter } from './emitter';
import { SynapseError, mediaError, toSynapseError } from './errors';
import { classify } from './media/p2p';
import { qualityBetween } from './media/p2p-quality';
import { SnapshotStore } from './store';
import { TokenSource, decodeTokenClaims, userFromToken } from './token';

/** An unsigned JWT-shaped string with these claims (the client never verifies). */
function fakeJwt(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64(claims)}.sig`;
}

describe('token', () => {
  it('reads claims (including UTF-8 names) without verifying', () => {
    const token = fakeJwt({ sub: 'u1', tenant: 't', name: 'Zoë', role: 'customer', exp: 99 });
    expect(decodeTokenClaims(token)?.exp).toBe(99);
    expect(userFromToken(token)).toEqual({ id: 'u1', tenant: 't', name: 'Zoë', role: 'customer' });
    expect(decodeTokenClaims('garbage')).toBeNull();
    expect(userFromToken('a.b.c')).toBeNull();
  });

  it('shares one provider call between concurrent refreshes and refreshes a token about to expire', async () => {
    let calls = 0;
    const now = Math.floor(Date.now() / 1000);
    // An hour-long token with a second left: well inside the refresh margin.
    const soon = fakeJwt({ sub: 'u', iat: now - 3599, exp: now + 1 });
    const later = fakeJwt({ sub: 'u', exp: Math.floor(Date.now() / 1000) + 3600 });
    const source = new TokenSource({
      token: soon,
      tokenProvider: async () => {
        calls++;
        return later;
      },
      refreshBeforeExpiryMs: 60_000,
    });
    const [a, b] = await Promise.all([source.get(), source.get()]);
    expect([a, b]).toEqual([later, later]);
    expect(calls).toBe(1);
    expect(await source.get()).toBe(later); // fresh enough: no new call
    expect(calls).toBe(1);
    source.stop();
  });
});

describe('emitter', () => {
  it('unsubscribes, and one throwing listener does not stop the others', async () => {
    const e = new TypedEmitter<{ ping: (n: number) => void }>();
    const seen: number[] = [];
    const thrown = new Promise<unknown>((resolve) => {
      const original = globalThis.queueMicrotask;
      globalThis.queueMicrotask = (fn) =>
        original(() => {
          globalThis.queueMicrotask = original;
          try {
            fn();
          } catch (err) {
            resolve(err);
          }
        });
    });
    e.on('ping', () => {
      throw new Error('listener bug');
    });
    const off = e.on('ping', (n) => seen.push(n));
    e.emit('ping', 1);
    off();
    off();
    e.emit('ping', 2);
    expect(seen).toEqual([1]);
    expect((await thrown) as Error).toHaveProperty('message', 'listener bug');
  });
});

describe('snapshot store', () => {
  it('keeps the snapshot identity until invalidated, then notifies', () => {
    let n = 0;
    const store = new SnapshotStore(() => ({ n: ++n }));
    const first = store.getSnapshot();
    expect(store.getSnapshot()).toBe(first);
    let notified = 0;
    const off = store.subscribe(() => notified++);
    store.invalidate();
    expect(notified).toBe(1);
    expect(store.getSnapshot()).not.toBe(first);
    expect(store.getSnapshot().n).toBe(2);
    off();
    store.invalidate();
    expect(notified).toBe(1);
  });
});

describe('errors', () => {
  it('maps getUserMedia failures and protocol errors to codes', () => {
    expect(mediaError(new DOMException('no', 'NotAllowedError')).code).toBe(
      'media-permission-denied',
    );
    expect(mediaError(new DOMException('gone', 'NotFoundError')).code).toBe(
      'media-device-not-found',
    );
    expect(mediaError(new Error('weird')).code).toBe('media-failed');
    const err = toSynapseError({ code: 'busy', message: 'in a call' });
    expect(err).toBeInstanceOf(SynapseError);
    expect(err).toMatchObject({ code: 'busy', message: 'in a call', name: 'SynapseError' });
    expect(toSynapseError({ code: 'nonsense' }).code).toBe('internal');
  });
});

describe('P2P quality buckets', () => {
  it('grades round-trip time, loss and jitter, and a stalled stream as lost', () => {
    expect(classify({ rtt: 0.02, jitter: 0.005, lossRatio: 0, stalled: false })).toBe('excellent');
    expect(classify({ rtt: 0.3, jitter: 0.005, lossRatio: 0, stalled: false })).toBe('good');
    expect(classify({ rtt: 0.05, jitter: 0.01, lossRatio: 0.1, stalled: false })).toBe('poor');
    expect(classify({ rtt: 0.02, lossRatio: 0, stalled: true })).toBe('lost');
  });

  it('counts loss over the last interval, so the bars drop at once and come back at once', () => {
    // An hour of clean audio (50 packets/s), then 2 s with one packet in ten lost: the loss
    // since the start is under 0.1 %, the loss of the interval 10 %.
    const hour = { rtt: 0.05, jitter: 0.005, packetsReceived: 180_000, packetsLost: 0 };
    const lossy = { ...hour, packetsReceived: 180_090, packetsLost: 10 };
    expect(qualityBetween(hour, lossy)).toBe('poor');
    // The network recovers: the next interval is clean again, whatever came before.
    const clean = { ...lossy, packetsReceived: 180_190 };
    expect(qualityBetween(lossy, clean)).toBe('excellent');
    // Nothing arrived in the interval at all.
    expect(qualityBetween(clean, clean)).toBe('lost');
    // The first reading has nothing to compare with: its counters since the start count.
    expect(qualityBetween(null, { ...hour, packetsReceived: 90, packetsLost: 10 })).toBe('poor');
  });
});
