import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Presence, ProtocolMessage, SynapseClient } from './index';
import { startFixture, type Fixture } from '@synapse-calling/test-utils/sdk/sdk-fixtures';
import { waitForEvent, waitUntil } from '@synapse-calling/test-utils/sdk/sdk-events';

let fx: Fixture;
beforeEach(async () => {
  fx = await startFixture({ presenceGraceMs: 200 });
});
afterEach(async () => {
  await fx.close();
});

/** Records the client's outgoing messages of one event name. */
function outgoing(client: SynapseClient, event: string): ProtocolMessage[] {
  const seen: ProtocolMessage[] = [];
  client.on('protocolMessage', (m) => {
    if (m.direction === 'out' && m.event === event) seen.push(m);
  });
  return seen;
}
const ids = (m: ProtocolMessage) => [...(m.payload as { userIds: string[] }).userIds].sort();

describe('presence watching', () => {
  it('shares one subscription between watchers and batches one tick into one request', async () => {
    const alice = await fx.connect('alice');
    await fx.connect('bob');
    const subs = outgoing(alice, 'subscribe-presence');
    const unsubs = outgoing(alice, 'unsubscribe-presence');

    const a: Presence[] = [];
    const b: Presence[] = [];
    const c: Presence[] = [];
    const offA = alice.presence.watch(['bob', 'carol'], (p) => a.push(p));
    const offB = alice.presence.watch('bob', (p) => b.push(p));
    const offC = alice.presence.watch(['carol'], (p) => c.push(p));
    await waitUntil(alice.subscribe, () => a.length === 2 && b.length === 1 && c.length === 1);
    expect(subs).toHaveLength(1);
    expect(ids(subs[0])).toEqual(['bob', 'carol']);
    expect(alice.presence.get('bob')?.status).toBe('online');
    expect(alice.presence.get('carol')?.status).toBe('offline');
    expect(alice.getSnapshot().presence.bob?.status).toBe('online');

    // A later watcher of an already watched user gets the cached value and no new request.
    const late = await new Promise<Presence>((resolve) => {
      const off = alice.presence.watch('bob', (p) => {
        off();
        resolve(p);
      });
    });
    expect(late.status).toBe('online');

    offA();
    offC();
    await waitUntil(
      (l) => alice.on('protocolMessage', l),
      () => unsubs.length === 1,
    );
    expect(ids(unsubs[0])).toEqual(['carol']); // bob is still watched by B
    offB();
    offB(); // idempotent
    await waitUntil(
      (l) => alice.on('protocolMessage', l),
      () => unsubs.length === 2,
    );
    expect(ids(unsubs[1])).toEqual(['bob']);
    expect(subs).toHaveLength(1);
    expect(alice.presence.get('bob')).toBeUndefined();
  });

  it('splits more than 500 ids into protocol-sized requests', async () => {
    const alice = await fx.connect('alice');
    const subs = outgoing(alice, 'subscribe-presence');
    const many = Array.from({ length: 1_200 }, (_, i) => `user-${i}`);
    let seen = 0;
    alice.presence.watch(many, () => seen++);
    await waitUntil(alice.subscribe, () => seen === 1_200, { what: '1200 presence entries' });
    expect(subs.map((m) => ids(m).length)).toEqual([500, 500, 200]);
  });

  it('delivers status changes, then offline with lastSeen when the user leaves', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob');
    const statuses: string[] = [];
    alice.presence.watch('bob', (p) => statuses.push(p.status));
    await waitUntil(alice.subscribe, () => alice.presence.get('bob')?.status === 'online');

    await bob.presence.setStatus('dnd');
    expect(bob.presence.status).toBe('dnd');
    await waitUntil(alice.subscribe, () => alice.presence.get('bob')?.status === 'dnd');
    await bob.presence.setStatus('online');
    await waitUntil(alice.subscribe, () => alice.presence.get('bob')?.status === 'online');

    await bob.disconnect();
    const offline = await waitForEvent(alice, 'presenceChanged', {
      filter: (p) => p.userId === 'bob' && p.status === 'offline',
    });
    expect(offline.lastSeen).toEqual(expect.any(Number));
    expect(statuses).toEqual(['online', 'dnd', 'online', 'offline']);
  });

  it('goes away by itself after inactivity and comes back online on activity', async () => {
    const alice = await fx.connect('alice');
    const bob = await fx.connect('bob', { idleTimeoutMs: 300 });
    alice.presence.watch('bob', () => undefined);

    const away = await waitForEvent(bob, 'statusChanged');
    expect(away).toBe('away');
    expect(bob.getSnapshot().status).toBe('away');
    await waitUntil(alice.subscribe, () => alice.presence.get('bob')?.status === 'away', {
      what: 'bob to look away',
    });

    const online = waitForEvent(bob, 'statusChanged');
    bob.presence.reportActivity();
    expect(await online).toBe('online');
    await waitUntil(alice.subscribe, () => alice.presence.get('bob')?.status === 'online', {
      what: 'bob to look online',
    });
  });

  it('keeps do-not-disturb while idle (auto-away never overrides dnd)', async () => {
    const bob = await fx.connect('bob', { idleTimeoutMs: 200 });
    await bob.presence.setStatus('dnd');
    await waitUntil(
      (l) => {
        const t = setInterval(l, 50);
        return () => clearInterval(t);
      },
      () => bob.presence.idle,
      { what: 'bob to be idle' },
    );
    expect(bob.presence.status).toBe('dnd');
  });
});
