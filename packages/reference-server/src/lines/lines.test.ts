import { describe, expect, it } from 'vitest';
import type { CallInfo, LineSettings } from '@synapse-calling/protocol';
import {
  agent,
  customer,
  emitAck,
  recordEvents,
  waitForEvent,
  type TestClient,
  type TestServerFixture,
  useTestServer,
} from '@synapse-calling/test-utils/server';

const support = (settings: LineSettings = {}) => ({
  acme: { support: { name: 'Support', members: ['alice', 'bob', 'carol'], ...settings } },
});
const server = useTestServer({ lines: support(), lineCooldownMs: 0 });

/** Connects a user and waits until the server counts them as connected (online). */
async function online(
  fixture: TestServerFixture,
  claims: Parameters<TestServerFixture['connect']>[0],
) {
  const client = await fixture.connect(claims);
  const synced = await emitAck(client, 'sync', {});
  if (!synced.ok) throw new Error(synced.error.code);
  return client;
}

async function agents(fixture: TestServerFixture = server): Promise<Record<string, TestClient>> {
  const [alice, bob, carol] = await Promise.all(
    ['alice', 'bob', 'carol'].map((id) => online(fixture, agent(id, 'acme', id.toUpperCase()))),
  );
  return { alice: alice!, bob: bob!, carol: carol! };
}

async function callLine(caller: TestClient, toLine = 'support'): Promise<CallInfo> {
  const ack = await emitAck(caller, 'initiate-call', { toLine });
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.call;
}

describe('calls to a line', () => {
  it('rings the longest-idle agent first, moves on after a decline, and logs who answered', async () => {
    const { alice, bob, carol } = await agents();
    // Alice just had a call: Bob and Carol have been idle longer (never called).
    const dan = await online(server, customer('dan'));
    const direct = await emitAck(dan, 'initiate-call', { to: 'alice' });
    if (!direct.ok) throw new Error(direct.error.code);
    await emitAck(dan, 'end-call', { callId: direct.call.id });

    const erin = await online(server, customer('erin', 'acme', 'Erin'));
    const bobRings = waitForEvent(bob, 'incoming-call');
    const call = await callLine(erin);
    expect(call).toMatchObject({ line: 'support', state: 'ringing', from: { id: 'erin' } });
    expect((await bobRings).call.id).toBe(call.id);

    const carolRings = waitForEvent(carol, 'incoming-call');
    const declined = await emitAck(bob, 'reject-call', { callId: call.id });
    expect(declined).toMatchObject({ ok: true, call: { state: 'ended', endReason: 'rejected' } });
    expect((await carolRings).call).toMatchObject({ id: call.id, to: { id: 'carol' } });

    const accepted = waitForEvent(erin, 'call-accepted');
    expect(await emitAck(carol, 'accept-call', { callId: call.id })).toMatchObject({ ok: true });
    expect((await accepted).call).toMatchObject({
      id: call.id,
      to: { id: 'carol', name: 'CAROL' },
    });
    expect(alice.connected).toBe(true);

    const ended = waitForEvent(erin, 'call-ended');
    await emitAck(carol, 'end-call', { callId: call.id });
    await ended;
    const row = await server.synapse.stores.callLog.get(call.id);
    expect(row?.call).toMatchObject({
      line: 'support',
      to: { id: 'carol' },
      endReason: 'completed',
    });
  });

  it('longest-idle counts an agent who transferred a call on as idle since their leg ended', async () => {
    const { alice, bob, carol } = await agents();
    const dan = await online(server, customer('dan'));
    // Bob answers Dan and transfers him to Carol: Bob is done first.
    const first = await emitAck(dan, 'initiate-call', { to: 'bob' });
    if (!first.ok) throw new Error(first.error.code);
    await emitAck(bob, 'accept-call', { callId: first.call.id });
    const carolRings = waitForEvent(carol, 'incoming-call');
    await emitAck(bob, 'transfer-call', { callId: first.call.id, to: 'carol' });
    await carolRings;
    await emitAck(carol, 'accept-call', { callId: first.call.id });
    // Then Alice has a short call, then Carol ends Dan's call.
    const fay = await online(server, customer('fay'));
    const second = await emitAck(fay, 'initiate-call', { to: 'alice' });
    if (!second.ok) throw new Error(second.error.code);
    await emitAck(alice, 'reject-call', { callId: second.call.id });
    await emitAck(carol, 'end-call', { callId: first.call.id });

    const bobRings = waitForEvent(bob, 'incoming-call');
    const call = await callLine(await online(server, customer('erin')));
    expect((await bobRings).call.id).toBe(call.id);
  });

  it('moves on after the per-agent ring timeout and ends missed when nobody answers', async () => {
    await server.restart({
      lines: support({ agentRingTimeoutMs: 1_000, maxWaitMs: 2_500, members: ['alice', 'bob'] }),
      lineCooldownMs: 0,
    });
    const { alice, bob } = await agents();
    const erin = await online(server, customer('erin'));
    const aliceEvents = recordEvents(alice, ['incoming-call', 'call-ended']);
    const bobRings = waitForEvent(bob, 'incoming-call');
    const call = await callLine(erin);
    await bobRings;
    const missed = await waitForEvent(erin, 'call-ended', { timeoutMs: 5_000 });
    expect(missed.call).toMatchObject({ id: call.id, endReason: 'missed', line: 'support' });
    expect(aliceEvents.map((e) => e.name)).toEqual(['incoming-call', 'call-ended']);
    expect(aliceEvents[1]?.payload).toMatchObject({ call: { endReason: 'missed' } });
  });

  it('round-robin rings the agent after the one rung last', async () => {
    await server.restart({ lines: support({ strategy: 'round-robin' }), lineCooldownMs: 0 });
    const { alice, bob } = await agents();
    const erin = await online(server, customer('erin'));
    const aliceRings = waitForEvent(alice, 'incoming-call');
    const first = await callLine(erin);
    await aliceRings;
    await emitAck(erin, 'end-call', { callId: first.id });
    const bobRings = waitForEvent(bob, 'incoming-call');
    const second = await callLine(erin);
    expect((await bobRings).call.id).toBe(second.id);
  });

  it('ring-all rings every available agent; the first to accept answers', async () => {
    await server.restart({ lines: support({ strategy: 'ring-all' }), lineCooldownMs: 0 });
    const { alice, bob, carol } = await agents();
    const erin = await online(server, customer('erin'));
    const rings = [alice, bob, carol].map((c) => waitForEvent(c, 'incoming-call'));
    const call = await callLine(erin);
    await Promise.all(rings);

    // Carol declines: the others keep ringing.
    expect(await emitAck(carol, 'reject-call', { callId: call.id })).toMatchObject({ ok: true });
    const elsewhere = waitForEvent(alice, 'call-answered-elsewhere');
    const accepted = waitForEvent(erin, 'call-accepted');
    expect(await emitAck(bob, 'accept-call', { callId: call.id })).toMatchObject({
      ok: true,
      call: { state: 'active', to: { id: 'bob' } },
    });
    await Promise.all([elsewhere, accepted]);
    expect(await emitAck(alice, 'accept-call', { callId: call.id })).toMatchObject({
      ok: false,
    });
  });

  it('skips an agent who paused the line, and counts only in the status', async () => {
    const { bob } = await agents();
    const token = await server.mintToken(agent('alice'));
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const paused = await fetch(`${server.url}/api/lines/support/taking-calls`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ takingCalls: false }),
    });
    expect(paused.status).toBe(200);
    const mine = await (await fetch(`${server.url}/api/lines/mine`, { headers })).json();
    expect(mine).toEqual({ lines: [{ id: 'support', name: 'Support', takingCalls: false }] });

    const erinToken = await server.mintToken(customer('erin'));
    const status = await fetch(`${server.url}/api/lines/support/status`, {
      headers: { authorization: `Bearer ${erinToken}` },
    });
    expect(await status.json()).toEqual({
      status: { id: 'support', name: 'Support', open: true, agentsAvailable: 2, waiting: 0 },
    });

    const erin = await online(server, customer('erin'));
    const bobRings = waitForEvent(bob, 'incoming-call');
    await callLine(erin);
    await bobRings;
  });

  it('answers a closed line with its message and when it opens', async () => {
    await server.restart({
      lines: support({
        businessHours: { timeZone: 'Europe/Berlin', days: {} },
        closedMessage: 'We are closed',
      }),
    });
    await agents();
    const erin = await online(server, customer('erin'));
    expect(await emitAck(erin, 'initiate-call', { toLine: 'support' })).toEqual({
      ok: false,
      error: { code: 'line-closed', message: 'We are closed' },
    });
    await server.restart({
      lines: support({
        businessHours: { timeZone: 'UTC', days: weekAt('09:00-09:01') },
        closedMessage: 'Closed',
      }),
    });
    const token = await server.mintToken(customer('erin'));
    const { status } = (await (
      await fetch(`${server.url}/api/lines/support/status`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { status: { opensAt?: { time: string } } };
    // Open one minute a day: unless the test runs at 09:00 UTC, it is closed and opens at 09:00.
    if (new Date().toISOString().slice(11, 16) !== '09:00') {
      expect(status).toMatchObject({ open: false, closedMessage: 'Closed' });
      expect(status.opensAt?.time).toBe('09:00');
    }
  });

  it('an unknown line, another tenant’s line and a line nobody can answer', async () => {
    await server.restart({
      lines: { ...support(), globex: { empty: { members: [] } } },
    });
    const erin = await online(server, customer('erin'));
    const unknown = await emitAck(erin, 'initiate-call', { toLine: 'nope' });
    const otherTenant = await emitAck(erin, 'initiate-call', { toLine: 'empty' });
    expect(unknown).toEqual({ ok: false, error: { code: 'not-found', message: 'line not found' } });
    expect(otherTenant).toEqual(unknown);
    // Support has members, none connected: the call waits, first in line.
    const position = waitForEvent(erin, 'queue-position');
    const call = await callLine(erin);
    expect(await position).toEqual({
      callId: call.id,
      line: 'support',
      position: 1,
      expectedWaitMs: null,
    });
  });
});

describe('agent status', () => {
  it('shows a member agent the waiting callers, their switch and the counts; others get not-found', async () => {
    // Nobody connected: callers wait.
    const erin = await online(server, customer('erin', 'acme', 'Erin Ellis'));
    const frank = await online(server, customer('frank', 'acme', 'Frank Fox'));
    const erinWaits = waitForEvent(erin, 'queue-position');
    const first = await callLine(erin);
    await erinWaits;
    const frankWaits = waitForEvent(frank, 'queue-position');
    const second = await callLine(frank);
    await frankWaits;

    const get = async (claims: Parameters<typeof server.mintToken>[0], line = 'support') => {
      const token = await server.mintToken(claims);
      const res = await fetch(`${server.url}/api/lines/${line}/agent-status`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return { code: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const seen = await get(agent('alice'));
    expect(seen.code).toBe(200);
    expect(seen.body).toEqual({
      status: {
        id: 'support',
        name: 'Support',
        open: true,
        agentsAvailable: 0,
        waiting: 2,
        expectedWaitMs: null,
        takingCalls: true,
        calls: [
          { callId: first.id, from: { id: 'erin', name: 'Erin Ellis' }, since: first.createdAt },
          { callId: second.id, from: { id: 'frank', name: 'Frank Fox' }, since: second.createdAt },
        ],
      },
    });

    // The switch shows as the agent set it.
    const token = await server.mintToken(agent('bob'));
    await fetch(`${server.url}/api/lines/support/taking-calls`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ takingCalls: false }),
    });
    expect((await get(agent('bob'))).body).toMatchObject({ status: { takingCalls: false } });

    // A customer, an agent who is not a member, and an unknown line: the same not-found.
    const refusals = await Promise.all([
      get(customer('erin')),
      get(agent('dave')),
      get(agent('alice'), 'nope'),
    ]);
    for (const refused of refusals) {
      expect(refused).toEqual({
        code: 404,
        body: { error: { code: 'not-found', message: 'line not found' } },
      });
    }
  });
});

describe('waiting in line', () => {
  it('waits when all agents are busy, keeps places, and logs an abandoned call', async () => {
    await server.restart({ lines: support({ members: ['bob'], maxQueueLength: 2 }) });
    const { bob } = await agents();
    const [c1, c2, c3, c4] = await Promise.all(
      ['c1', 'c2', 'c3', 'c4'].map((id) => online(server, customer(id))),
    );
    const first = await callLine(c1!);
    expect(await emitAck(bob, 'accept-call', { callId: first.id })).toMatchObject({ ok: true });

    const c2Place = waitForEvent(c2!, 'queue-position');
    const second = await callLine(c2!);
    expect(second.to.name).toBe('Support');
    expect(await c2Place).toMatchObject({ callId: second.id, position: 1 });
    const c3Places: number[] = [];
    c3!.on('queue-position', ({ position }) => c3Places.push(position));
    const third = await callLine(c3!);
    // The queue is full: the next caller is refused.
    expect(await emitAck(c4!, 'initiate-call', { toLine: 'support' })).toMatchObject({
      ok: false,
      error: { code: 'busy' },
    });

    // The first in line hangs up: abandoned, and the next moves up.
    const movedUp = waitForEvent(c3!, 'queue-position', { filter: (p) => p.position === 1 });
    expect(await emitAck(c2!, 'end-call', { callId: second.id })).toMatchObject({
      ok: true,
      call: { endReason: 'abandoned', line: 'support' },
    });
    await movedUp;
    expect(c3Places).toEqual([2, 1]);
    expect((await server.synapse.stores.callLog.get(second.id))?.call.endReason).toBe('abandoned');

    // Bob hangs up: the waiting call rings him, and he answers it.
    const rings = waitForEvent(bob, 'incoming-call');
    await emitAck(bob, 'end-call', { callId: first.id });
    expect((await rings).call).toMatchObject({ id: third.id, to: { id: 'bob' } });
    const accepted = waitForEvent(c3!, 'call-accepted');
    expect(await emitAck(bob, 'accept-call', { callId: third.id })).toMatchObject({ ok: true });
    expect((await accepted).call).toMatchObject({ to: { id: 'bob', name: 'BOB' } });
  });

  it('rings an agent who comes online while a call waits', async () => {
    const erin = await online(server, customer('erin'));
    await callLine(erin);
    const carol = await server.connect(agent('carol'));
    // The sweep (every second) finds her free.
    await waitForEvent(carol, 'incoming-call', { timeoutMs: 5_000 });
  });
});

describe('lines admin API', () => {
  const call = async (
    path: string,
    claims: Parameters<TestServerFixture['mintToken']>[0],
    init: RequestInit = {},
  ) => {
    const token = await server.mintToken(claims);
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    return {
      status: res.status,
      body: res.status === 204 ? null : ((await res.json()) as unknown),
    };
  };
  const admin = { ...agent('root'), admin: true };

  it('needs an admin token of the tenant', async () => {
    expect((await call('/api/admin/lines', agent('alice'))).status).toBe(403);
    expect(await call('/api/admin/lines', { ...agent('root', 'globex'), admin: true })).toEqual({
      status: 200,
      body: { lines: [] },
    });
  });

  it('creates a line, sets its members, and a customer then reaches them', async () => {
    const created = await call('/api/admin/lines/sales', admin, {
      method: 'PUT',
      body: JSON.stringify({ name: 'Sales', strategy: 'round-robin' }),
    });
    expect(created).toMatchObject({
      status: 200,
      body: { line: { id: 'sales', name: 'Sales', strategy: 'round-robin', members: [] } },
    });
    expect(
      await call('/api/admin/lines/sales', admin, {
        method: 'PUT',
        body: JSON.stringify({ strategy: 'sideways' }),
      }),
    ).toMatchObject({ status: 400, body: { error: { code: 'invalid-payload' } } });
    const members = await call('/api/admin/lines/sales/members', admin, {
      method: 'PUT',
      body: JSON.stringify({ members: ['bob'] }),
    });
    expect(members).toMatchObject({ status: 200, body: { line: { members: ['bob'] } } });

    const { bob } = await agents();
    const erin = await online(server, customer('erin'));
    const bobRings = waitForEvent(bob, 'incoming-call');
    expect((await callLine(erin, 'sales')).line).toBe('sales');
    await bobRings;

    expect((await call('/api/admin/lines', admin)).body).toMatchObject({
      lines: [{ id: 'support' }, { id: 'sales' }],
    });
    expect((await call('/api/admin/lines/sales', admin, { method: 'DELETE' })).status).toBe(204);
    expect((await call('/api/admin/lines/sales', admin)).status).toBe(404);
  });
});

/** The same hours on every day of the week. */
function weekAt(range: string) {
  return Object.fromEntries(
    ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [range]]),
  );
}
