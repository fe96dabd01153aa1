import { describe, expect, it } from 'vitest';
import {
  agent,
  freePort,
  emitAck,
  waitForEvent,
  useTestServers,
} from '@synapse-calling/test-utils/server';
import type { PolicyParty } from './options';

const start = useTestServers();

describe('policy hook', () => {
  it('asks canCall with both parties and refuses with forbidden when it says no', async () => {
    const asked: Array<[PolicyParty, PolicyParty]> = [];
    const server = await start({
      canCall: (from, to) => {
        asked.push([from, to]);
        return to.id !== 'vip';
      },
    });
    const alice = await server.connect({ ...agent('alice'), name: 'Alice' });
    await server.connect(agent('vip'));
    await server.connect(agent('bob'));
    expect(await emitAck(alice, 'initiate-call', { to: 'vip' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(asked[0]).toEqual([
      { id: 'alice', name: 'Alice', role: 'agent', tenant: 'acme' },
      { id: 'vip', name: 'vip', role: 'agent', tenant: 'acme' },
    ]);
    expect(await emitAck(alice, 'initiate-call', { to: 'bob' })).toMatchObject({ ok: true });
  });

  it('answers internal when the hook throws, and keeps serving', async () => {
    const server = await start({
      canCall: async () => {
        throw new Error('policy database down');
      },
      onCallEvent: () => {
        throw new Error('host hook broken');
      },
    });
    const alice = await server.connect(agent('alice'));
    await server.connect(agent('bob'));
    expect(await emitAck(alice, 'initiate-call', { to: 'bob' })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect(await emitAck(alice, 'heartbeat', {})).toEqual({ ok: true });
  });

  it('a throwing onCallEvent hook does not disturb the call', async () => {
    const server = await start({
      onCallEvent: () => {
        throw new Error('host hook broken');
      },
    });
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const incoming = waitForEvent(bob, 'incoming-call');
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    await incoming;
    expect(await emitAck(bob, 'accept-call', { callId: ack.call.id })).toMatchObject({ ok: true });
    const ended = waitForEvent(alice, 'call-ended');
    expect(await emitAck(bob, 'end-call', { callId: ack.call.id })).toMatchObject({
      ok: true,
      call: { endReason: 'completed' },
    });
    expect((await ended).call.endReason).toBe('completed');
  });

  it('treats a callee in do-not-disturb as busy', async () => {
    const server = await start({});
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    await emitAck(bob, 'set-status', { status: 'dnd' });
    expect(await emitAck(alice, 'initiate-call', { to: 'bob' })).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });
  });

  it('ends the call failed and answers internal when the media server is unreachable', async () => {
    const port = await freePort();
    const server = await start({
      livekit: { url: `ws://127.0.0.1:${port}`, apiKey: 'devkey', apiSecret: 'secret' },
    });
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(agent('bob'));
    const ack = await emitAck(alice, 'initiate-call', { to: 'bob' });
    if (!ack.ok) throw new Error(ack.error.code);
    const ended = waitForEvent(alice, 'call-ended');
    expect(await emitAck(bob, 'accept-call', { callId: ack.call.id })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect((await ended).call).toMatchObject({ id: ack.call.id, endReason: 'failed' });
  });
});
