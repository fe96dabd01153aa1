import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  agent,
  customer,
  emitAck,
  recordEvents,
  ringCall,
  waitFor,
  waitForEvent,
  type TransferParties as Parties,
  type TestServerFixture,
  useTransferServer,
} from '@synapse-calling/test-utils/server';
import type { CallEvent } from './options';

const { server, events, online, activeCall } = useTransferServer();

/** Alice transfers the call to `target`; resolves once Bob's page rings. */
async function startTransfer(
  { alice, bob, call }: Parties,
  target: { to: string } | { toLine: string },
) {
  const rings = waitForEvent(bob, 'incoming-call');
  const ack = await emitAck(alice, 'transfer-call', { callId: call.id, ...target });
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return { ack, ring: await rings };
}

describe('blind transfer', () => {
  it('rings the target with who transfers whom; on accept the customer gets the new agent and Alice leaves', async () => {
    const parties = await activeCall();
    const { carol, alice, bob, call } = parties;
    const told = waitForEvent(carol, 'call-transferring');
    const { ack, ring } = await startTransfer(parties, { to: 'bob' });
    expect(ack.call.transfer).toMatchObject({
      state: 'ringing',
      by: { id: 'alice' },
      to: { id: 'bob' },
    });
    // Bob's page: "Transfer from Alice: Carol Chen".
    expect(ring.call).toMatchObject({
      id: call.id,
      from: { id: 'carol', name: 'Carol Chen' },
      transfer: { by: { name: 'Alice' }, to: { id: 'bob' } },
    });
    expect((await told).call.transfer?.to.name).toBe('Bob');

    // While it rings, Carol and Alice still talk.
    const relayed = waitForEvent(alice, 'media-signal');
    await emitAck(carol, 'media-signal', { callId: call.id, signal: { type: 'hangup-media' } });
    expect((await relayed).callId).toBe(call.id);

    const transferred = waitForEvent(carol, 'call-transferred');
    const aliceLeft = waitForEvent(alice, 'call-ended');
    const accepted = await emitAck(bob, 'accept-call', { callId: call.id });
    expect(accepted).toMatchObject({
      ok: true,
      call: { id: call.id, state: 'active', to: { id: 'bob' } },
      media: { kind: 'p2p', polite: true },
    });
    const onCarol = await transferred;
    expect(onCarol.call.to).toMatchObject({ id: 'bob', name: 'Bob' });
    expect(onCarol.call.transfer).toBeUndefined();
    expect(onCarol.media).toMatchObject({ kind: 'p2p', polite: false });
    expect((await aliceLeft).call).toMatchObject({ id: call.id, endReason: 'completed' });

    // Carol's media now reaches Bob, and no longer Alice.
    const aliceHears = recordEvents(alice, ['media-signal']);
    const toBob = waitForEvent(bob, 'media-signal');
    await emitAck(carol, 'media-signal', { callId: call.id, signal: { type: 'hangup-media' } });
    await toBob;
    expect(aliceHears).toEqual([]);
    // Alice is out: the call is not hers to end any more.
    const late = await emitAck(alice, 'end-call', { callId: call.id });
    expect(late).toMatchObject({ ok: false, error: { code: 'not-found' } });

    const ended = waitForEvent(carol, 'call-ended');
    await emitAck(bob, 'end-call', { callId: call.id });
    await ended;
    const row = await server.synapse.stores.callLog.get(call.id);
    expect(row?.call).toMatchObject({ to: { id: 'bob' }, endReason: 'completed' });
    expect(row?.call.legs?.map((l) => l.party.id)).toEqual(['alice', 'bob']);
    const [first, second] = row?.call.legs ?? [];
    expect(first?.until).toBe(second?.from);
    await waitFor(() => events.some((e) => e.type === 'call.ended'), { what: 'call.ended' });
    expect(events.map((e) => e.type)).toEqual([
      'call.ringing',
      'call.accepted',
      'call.transferred',
      'call.ended',
    ]);
    expect(events[2]?.call).toMatchObject({ to: { id: 'bob' }, legs: [{}, {}] });
  });

  it('POSTs call.transferred to the host webhook, naming the new agent and the legs', async () => {
    const received: CallEvent[] = [];
    const hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as CallEvent);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const { port } = hook.address() as AddressInfo;
      await server.restart({
        webhook: {
          url: `http://127.0.0.1:${port}/hook`,
          secret: 'webhook-secret-0123456789abcdef0123',
        },
      });
      const parties = await activeCall();
      const { ring } = await startTransfer(parties, { to: 'bob' });
      await emitAck(parties.bob, 'accept-call', { callId: ring.call.id });
      await waitFor(() => received.some((e) => e.type === 'call.transferred'), {
        what: 'the call.transferred webhook',
      });
      const event = received.find((e) => e.type === 'call.transferred');
      expect(event).toMatchObject({
        tenant: 'acme',
        call: { id: ring.call.id, to: { id: 'bob' } },
      });
      expect(event?.call.legs?.map((l) => l.party.id)).toEqual(['alice', 'bob']);
    } finally {
      await new Promise<void>((r) => hook.close(() => r()));
    }
  });

  it('to a line: an available agent of the line rings', async () => {
    const parties = await activeCall();
    const { ring, ack } = await startTransfer(parties, { toLine: 'support' });
    expect(ack.call.transfer).toMatchObject({ line: 'support', to: { id: 'bob' } });
    expect(ring.call.transfer?.line).toBe('support');
    const transferred = waitForEvent(parties.carol, 'call-transferred');
    expect(await emitAck(parties.bob, 'accept-call', { callId: ring.call.id })).toMatchObject({
      ok: true,
    });
    expect((await transferred).call.to.id).toBe('bob');
  });

  it('to a line, declined or missed: the line rings its next available agent, each once', async () => {
    await server.restart({
      lines: { acme: { support: { name: 'Support', members: ['alice', 'bob', 'dave'] } } },
      lineCooldownMs: 0,
      ringTimeoutMs: 1_500,
    });
    const parties = await activeCall();
    const { carol, alice, bob, call } = parties;
    const dave = await online(agent('dave', 'acme', 'Dave'));
    const { ack } = await startTransfer(parties, { toLine: 'support' });
    expect(ack.call.transfer?.to.id).toBe('bob');

    // Bob declines: Dave rings for the same transfer, and both parties hear of it.
    const daveRings = waitForEvent(dave, 'incoming-call');
    const carolTold = waitForEvent(carol, 'call-transferring', {
      filter: (p) => p.call.transfer?.to.id === 'dave',
    });
    const bobEnds = waitForEvent(bob, 'call-ended');
    const declined = await emitAck(bob, 'reject-call', { callId: call.id });
    expect(declined).toMatchObject({ ok: true, call: { endReason: 'rejected' } });
    expect((await bobEnds).call.endReason).toBe('rejected');
    expect((await daveRings).call.transfer).toMatchObject({ line: 'support', to: { id: 'dave' } });
    await carolTold;

    // Dave misses it: nobody of the line is left (Bob was rung once), so the transfer stops.
    const stopped = waitForEvent(alice, 'call-transferring', { filter: (p) => !p.call.transfer });
    const daveMissed = waitForEvent(dave, 'call-ended');
    await stopped;
    expect((await daveMissed).call.endReason).toBe('missed');
    const record = await server.synapse.stores.registry.get(call.id);
    expect(record?.call).toMatchObject({ state: 'active', to: { id: 'alice' } });
    expect(record?.transferTried).toBeUndefined();
    // Both are free again: a new transfer to the line rings Bob first once more.
    const again = await startTransfer(parties, { toLine: 'support' });
    expect(again.ack.call.transfer?.to.id).toBe('bob');
  });

  it('declined by the target: the call stays with Alice, both parties see the transfer stop', async () => {
    const parties = await activeCall();
    const { carol, alice, bob, call } = parties;
    await startTransfer(parties, { to: 'bob' });
    const stopped = waitForEvent(carol, 'call-transferring', { filter: (p) => !p.call.transfer });
    const aliceTold = waitForEvent(alice, 'call-transferring', { filter: (p) => !p.call.transfer });
    const declined = await emitAck(bob, 'reject-call', { callId: call.id });
    expect(declined).toMatchObject({ ok: true, call: { state: 'ended', endReason: 'rejected' } });
    await Promise.all([stopped, aliceTold]);
    const relayed = waitForEvent(alice, 'media-signal');
    await emitAck(carol, 'media-signal', { callId: call.id, signal: { type: 'hangup-media' } });
    await relayed;
    // Bob is free again: Alice can try once more.
    await startTransfer(parties, { to: 'bob' });
  });

  it('cancelled by Alice: Bob stops ringing', async () => {
    const parties = await activeCall();
    const { alice, bob, call } = parties;
    await startTransfer(parties, { to: 'bob' });
    const again = await emitAck(alice, 'transfer-call', { callId: call.id, toLine: 'support' });
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
    const bobStops = waitForEvent(bob, 'call-ended');
    const cancelled = await emitAck(alice, 'cancel-transfer', { callId: call.id });
    expect(cancelled).toMatchObject({ ok: true, call: { state: 'active', to: { id: 'alice' } } });
    expect(cancelled.ok && cancelled.call.transfer).toBeFalsy();
    expect((await bobStops).call.endReason).toBe('cancelled');
    const late = await emitAck(bob, 'accept-call', { callId: call.id });
    expect(late).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('Alice dropping off while Bob rings does not end the call Bob takes over', async () => {
    await server.restart({ reconnectGraceMs: 300, presenceGraceMs: 200 });
    const parties = await activeCall();
    const { ring } = await startTransfer(parties, { to: 'bob' });
    parties.alice.disconnect();
    await waitFor(
      async () => (await server.synapse.stores.registry.get(ring.call.id))?.sockets.callee === null,
      { what: "Alice's connection released" },
    );
    const accepted = await emitAck(parties.bob, 'accept-call', { callId: ring.call.id });
    expect(accepted).toMatchObject({ ok: true, call: { state: 'active', to: { id: 'bob' } } });
    // Alice's reconnect grace was hers: its deadline, which any node would act on, went with
    // her side of the call.
    const record = await server.synapse.stores.registry.get(ring.call.id);
    expect(record?.deadlines?.grace?.callee).toBeUndefined();
    expect(record?.sockets.callee).toEqual(expect.any(String));
  });

  it('the customer hangs up while the transfer rings: Bob stops ringing', async () => {
    const parties = await activeCall();
    await startTransfer(parties, { to: 'bob' });
    const bobStops = waitForEvent(parties.bob, 'call-ended');
    await emitAck(parties.carol, 'end-call', { callId: parties.call.id });
    expect((await bobStops).call).toMatchObject({ id: parties.call.id, state: 'ended' });
    // Bob is free: he can be called.
    const dan = await online(customer('dan'));
    await ringCall(dan, parties.bob, 'bob');
  });
});

describe('transfer targets', () => {
  it("lists the lines' agents with presence and the lines, to agents only", async () => {
    await online(agent('alice', 'acme', 'Alice'));
    await online(agent('bob', 'acme', 'Bob'));
    const get = async (claims: Parameters<TestServerFixture['mintToken']>[0]) =>
      fetch(`${server.url}/api/transfer-targets`, {
        headers: { authorization: `Bearer ${await server.mintToken(claims)}` },
      });
    const res = await get(agent('alice', 'acme', 'Alice'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      agents: [{ id: 'bob', name: 'Bob', status: 'online' }],
      lines: [{ id: 'support', name: 'Support', agentsAvailable: 2 }],
    });
    expect((await get(customer('carol'))).status).toBe(403);
  });
});

describe('transfer refusals', () => {
  it('refuses what it must, with a clear error, and changes nothing', async () => {
    const { carol, alice, call } = await activeCall();
    const transfer = (payload: Record<string, string>, who = alice) =>
      emitAck(who, 'transfer-call', { callId: call.id, ...payload });
    await online(agent('mallory', 'other', 'Mallory'));
    const busyAgent = await online(agent('dave', 'acme', 'Dave'));
    const erin = await online(customer('erin'));
    await ringCall(erin, busyAgent, 'dave');

    const code = async (p: Promise<{ ok: boolean }>) => {
      const ack = (await p) as { ok: false; error: { code: string } };
      return ack.error?.code;
    };
    expect(await code(transfer({ to: 'bob' }, carol))).toBe('forbidden');
    // Another tenant's agent: the same answer as an id nobody has.
    expect(await code(transfer({ to: 'mallory' }))).toBe('not-found');
    expect(await code(transfer({ to: 'nobody' }))).toBe('not-found');
    expect(await code(transfer({ toLine: 'sales' }))).toBe('not-found');
    expect(await code(transfer({ to: 'dave' }))).toBe('busy');
    expect(await code(transfer({ to: 'alice' }))).toBe('invalid-payload');
    expect(await code(transfer({ to: 'erin' }))).toBe('invalid-payload');
    expect(await code(transfer({ to: 'bob', toLine: 'support' }))).toBe('invalid-payload');
    expect(await code(transfer({}))).toBe('invalid-payload');

    const offline = await online(agent('olga', 'acme', 'Olga'));
    offline.disconnect();
    await waitFor(
      async () => (await server.synapse.presence.current('acme', 'olga')).status === 'offline',
      { what: 'olga offline' },
    );
    expect(await code(transfer({ to: 'olga' }))).toBe('offline');

    // Nothing changed: no transfer pending, the call still Alice's.
    const record = await server.synapse.stores.registry.get(call.id);
    expect(record?.call).toMatchObject({ state: 'active', to: { id: 'alice' } });
    expect(record?.call.transfer).toBeUndefined();
  });

  it('refuses a ringing call', async () => {
    const carol = await online(customer('carol'));
    const alice = await online(agent('alice'));
    await online(agent('bob'));
    const call = await ringCall(carol, alice, 'alice');
    const ringing = await emitAck(alice, 'transfer-call', { callId: call.id, to: 'bob' });
    expect(ringing).toMatchObject({ ok: false, error: { code: 'invalid-state' } });
  });
});
