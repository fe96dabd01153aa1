import { describe, expect, it } from 'vitest';
import type { Presence } from '@synapse-calling/protocol';
import {
  agent,
  emitAck,
  recordEvents,
  waitForEvent,
  type TestClient,
  useTestServer,
} from '@synapse-calling/test-utils/server';

const server = useTestServer({ presenceGraceMs: 1_000, reconnectGraceMs: 1_000 });

async function subscribe(client: TestClient, userIds: string[]): Promise<Presence[]> {
  const ack = await emitAck(client, 'subscribe-presence', { userIds });
  if (!ack.ok) throw new Error(ack.error.code);
  return ack.presence;
}

const statusOf = (userId: string) => (p: { presence: Presence }) => p.presence.userId === userId;

describe('presence', () => {
  it('answers a subscription with a snapshot, then sends diffs', async () => {
    const watcher = await server.connect(agent('watcher'));
    expect(await subscribe(watcher, ['bob'])).toEqual([
      { userId: 'bob', status: 'offline', lastSeen: null },
    ]);
    const online = waitForEvent(watcher, 'presence-changed', { filter: statusOf('bob') });
    const bob = await server.connect(agent('bob'));
    expect((await online).presence).toMatchObject({ userId: 'bob', status: 'online' });

    const dnd = waitForEvent(watcher, 'presence-changed');
    expect(await emitAck(bob, 'set-status', { status: 'dnd' })).toMatchObject({
      ok: true,
      presence: { status: 'dnd' },
    });
    expect((await dnd).presence.status).toBe('dnd');
    const away = waitForEvent(watcher, 'presence-changed');
    await emitAck(bob, 'set-status', { status: 'away' });
    expect((await away).presence.status).toBe('away');
    const back = waitForEvent(watcher, 'presence-changed');
    await emitAck(bob, 'set-status', { status: 'online' });
    expect((await back).presence.status).toBe('online');
  });

  it('is away only when every connection is idle', async () => {
    const watcher = await server.connect(agent('watcher'));
    const tab1 = await server.connect(agent('bob'));
    const tab2 = await server.connect(agent('bob'));
    await subscribe(watcher, ['bob']);
    const events = recordEvents(watcher, ['presence-changed']);
    await emitAck(tab1, 'heartbeat', { idle: true });
    // One tab still active: a round trip on the watcher shows no diff was sent.
    expect(await subscribe(watcher, ['bob'])).toMatchObject([{ status: 'online' }]);
    expect(events).toHaveLength(0);
    const away = waitForEvent(watcher, 'presence-changed');
    await emitAck(tab2, 'heartbeat', { idle: true });
    expect((await away).presence.status).toBe('away');
    const active = waitForEvent(watcher, 'presence-changed');
    await emitAck(tab1, 'heartbeat', { idle: false });
    expect((await active).presence.status).toBe('online');
  });

  it('shows busy during an active call and online after', async () => {
    const watcher = await server.connect(agent('watcher'));
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    await subscribe(watcher, ['alice', 'bob']);
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    const busy = waitForEvent(watcher, 'presence-changed', {
      filter: (p) => p.presence.userId === 'bob' && p.presence.status === 'busy',
    });
    await emitAck(bob, 'accept-call', { callId: ack.call.id });
    await busy;
    const free = waitForEvent(watcher, 'presence-changed', {
      filter: (p) => p.presence.userId === 'bob' && p.presence.status === 'online',
    });
    await emitAck(bob, 'end-call', { callId: ack.call.id });
    await free;
  });

  it('a reload within the grace window shows no flap; a real drop goes offline with lastSeen', async () => {
    const watcher = await server.connect(agent('watcher'));
    let bob = await server.connect(agent('bob'));
    await subscribe(watcher, ['bob']);
    const events = recordEvents(watcher, ['presence-changed']);
    bob.close();
    bob = await server.connect(agent('bob'));
    // Wait past the grace window by waiting for the next real change instead of sleeping.
    const offline = waitForEvent(watcher, 'presence-changed', {
      filter: (p) => p.presence.status === 'offline',
    });
    const before = Date.now();
    bob.close();
    const { presence } = await offline;
    expect(events.map((e) => (e.payload as { presence: Presence }).presence.status)).toEqual([
      'offline',
    ]);
    expect(presence.lastSeen).toBeGreaterThan(before - 5_000);
    expect(presence.lastSeen).toBeLessThanOrEqual(Date.now());
    // lastSeen survives in the store and is served to new subscribers.
    const late = await server.connect(agent('late'));
    expect(await subscribe(late, ['bob'])).toEqual([presence]);
  });

  it('reveals nothing about other tenants: their users look never seen', async () => {
    await server.connect(agent('bob', 'globex'));
    const watcher = await server.connect(agent('watcher', 'acme'));
    expect(await subscribe(watcher, ['bob', 'ghost'])).toEqual([
      { userId: 'bob', status: 'offline', lastSeen: null },
      { userId: 'ghost', status: 'offline', lastSeen: null },
    ]);
    const events = recordEvents(watcher, ['presence-changed']);
    const globexBob2 = await server.connect(agent('bob', 'globex'));
    await emitAck(globexBob2, 'set-status', { status: 'dnd' });
    // Same-tenant change as a barrier: it arrives, the other tenant's never did.
    await subscribe(watcher, ['carol']);
    const carolOnline = waitForEvent(watcher, 'presence-changed');
    await server.connect(agent('carol', 'acme'));
    expect((await carolOnline).presence.userId).toBe('carol');
    expect(
      events.filter((e) => (e.payload as { presence: Presence }).presence.userId === 'bob'),
    ).toEqual([]);

    const token = await server.mintToken(agent('watcher', 'acme'));
    const res = await fetch(`${server.url}/api/presence?userIds=bob,carol`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await res.json()).toMatchObject({
      presence: [
        { userId: 'bob', status: 'offline', lastSeen: null },
        { userId: 'carol', status: 'online' },
      ],
    });
  });

  it('stops sending diffs after unsubscribe', async () => {
    const watcher = await server.connect(agent('watcher'));
    await subscribe(watcher, ['bob', 'carol']);
    expect(await emitAck(watcher, 'unsubscribe-presence', { userIds: ['bob'] })).toEqual({
      ok: true,
    });
    const events = recordEvents(watcher, ['presence-changed']);
    const carol = waitForEvent(watcher, 'presence-changed');
    await server.connect(agent('bob'));
    await server.connect(agent('carol'));
    expect((await carol).presence.userId).toBe('carol');
    expect(events.map((e) => (e.payload as { presence: Presence }).presence.userId)).toEqual([
      'carol',
    ]);
  });

  it('limits a subscription to 500 ids', async () => {
    const watcher = await server.connect(agent('watcher'));
    const ids = Array.from({ length: 501 }, (_, i) => `u${i}`);
    expect(await emitAck(watcher, 'subscribe-presence', { userIds: ids })).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload' },
    });
    expect(await subscribe(watcher, ids.slice(0, 500))).toHaveLength(500);
  });
});
