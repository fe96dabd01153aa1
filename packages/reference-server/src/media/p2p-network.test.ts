import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CallInfo, MediaSignal, P2PMedia } from '@synapse-calling/protocol';
import {
  agent,
  connectClient,
  customer,
  emitAck,
  recordEvents,
  ringCall,
  TEST_JWT_SECRET,
  type TestClient,
  useTestServers,
  waitForEvent,
} from '@synapse-calling/test-utils/server';
import { ConfigError, configFromEnv } from '../env-config';
import { relayCandidatesOnly } from './candidate-filter';
import { relayOnlyRule } from './relay-policy';

const TURN = {
  urls: ['turn:turn.example.com:3478?transport=udp', 'turn:turn.example.com:3478?transport=tcp'],
  secret: 'turn-shared-secret-0123456789',
};
const start = useTestServers();

/** Caller rings callee and callee accepts; both sides' media as the server handed it out. */
async function answered(caller: TestClient, callee: TestClient, to: string) {
  const call = await ringCall(caller, callee, to);
  const accepted = waitForEvent(caller, 'call-accepted');
  const ack = await emitAck(callee, 'accept-call', { callId: call.id });
  if (!ack.ok) throw new Error(ack.error.code);
  const forCaller = await accepted;
  return {
    call: ack.call,
    caller: forCaller.media as P2PMedia,
    callee: ack.media as P2PMedia,
  };
}

const HOST = 'candidate:1 1 udp 2122260223 10.77.1.2 50000 typ host generation 0';
const SRFLX = 'candidate:2 1 udp 1686052607 10.77.11.2 50001 typ srflx raddr 10.77.1.2 rport 50000';
const RELAY = 'candidate:3 1 udp 41885439 10.77.0.1 49160 typ relay raddr 10.77.11.2 rport 50002';
const candidate = (line: string): MediaSignal => ({
  type: 'candidate',
  candidate: { candidate: line, sdpMid: '0', sdpMLineIndex: 0 },
});
const OFFER_SDP = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 50000 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 10.77.1.2',
  'a=rtcp:9 IN IP4 10.77.1.2',
  `a=${HOST}`,
  `a=${SRFLX}`,
  `a=${RELAY}`,
  'a=ice-ufrag:abcd',
  '',
].join('\r\n');

describe('TURN credentials', () => {
  it('hands every party its own short-lived TURN credential, never the shared secret', async () => {
    const server = await start({ turn: { ...TURN, ttlSeconds: 600 } });
    const alice = await server.connect(agent('alice'));
    const bob = await server.connect(customer('bob'));
    const before = Math.floor(Date.now() / 1000);
    const media = await answered(alice, bob, 'bob');
    for (const [m, user] of [
      [media.caller, 'acme/alice'],
      [media.callee, 'acme/bob'],
    ] as const) {
      const turn = m.iceServers.find((s) => String(s.urls).includes('turn:'));
      expect(turn?.urls).toEqual(TURN.urls);
      const [expiry, name] = (turn?.username ?? '').split(':');
      expect(decodeURIComponent(name)).toBe(user);
      expect(Number(expiry) - before).toBeGreaterThanOrEqual(600);
      expect(Number(expiry) - before).toBeLessThan(600 + 5);
      // What coturn computes from its static-auth-secret to check the credential.
      const expected = createHmac('sha1', TURN.secret).update(turn!.username!).digest('base64');
      expect(turn?.credential).toBe(expected);
      expect(JSON.stringify(m)).not.toContain(TURN.secret);
      expect(m.iceTransportPolicy).toBeUndefined();
    }
  });

  it('refuses a relay-only setting without a TURN server', async () => {
    await expect(start({ relayOnly: 'all' })).rejects.toThrow(ConfigError);
    await expect(
      start({ relayOnly: 'all', iceServers: [{ urls: 'stun:s:3478' }] }),
    ).rejects.toThrow(/TURN/);
  });
});

describe('relay-only privacy mode', () => {
  it('keeps an agent’s addresses from customers: relay policy for the agent, and only relay candidates relayed', async () => {
    const server = await start({ turn: TURN, relayOnly: 'agents' });
    const ann = await server.connect(agent('ann'));
    const carl = await server.connect(customer('carl'));
    const { call, caller, callee } = await answered(ann, carl, 'carl');
    expect(caller.iceTransportPolicy).toBe('relay');
    expect(callee.iceTransportPolicy).toBeUndefined(); // the agent may learn the customer's

    const atCarl = recordEvents(carl, ['media-signal']);
    const atAnn = recordEvents(ann, ['media-signal']);
    const send = async (from: TestClient, signal: MediaSignal) => {
      const ack = await emitAck(from, 'media-signal', { callId: call.id, signal });
      expect(ack).toEqual({ ok: true });
    };
    // A client that ignores the policy (or predates it) sends everything it gathered.
    await send(ann, { type: 'description', description: { type: 'offer', sdp: OFFER_SDP } });
    for (const line of [HOST, SRFLX, RELAY]) await send(ann, candidate(line));
    await send(ann, { type: 'candidate', candidate: null });
    await send(carl, candidate(HOST.replace('10.77.1.2', '10.77.2.2')));
    await expect.poll(() => atCarl.length).toBe(3);
    await expect.poll(() => atAnn.length).toBe(1);

    const received = JSON.stringify(atCarl);
    expect(received).not.toContain('10.77.1.2'); // the agent's own address
    expect(received).not.toContain('10.77.11.2 50001'); // its NAT's public address (srflx)
    const [offer, relay, done] = atCarl.map((e) => (e.payload as { signal: MediaSignal }).signal);
    expect(offer).toMatchObject({ type: 'description', description: { type: 'offer' } });
    const sdp = offer.type === 'description' ? (offer.description.sdp ?? '') : '';
    expect(sdp).toContain(`a=${RELAY}`);
    expect(sdp).toContain('c=IN IP4 0.0.0.0');
    expect(sdp).not.toMatch(/typ (host|srflx)/);
    expect(relay).toEqual(candidate(RELAY));
    expect(done).toEqual({ type: 'candidate', candidate: null });
    // The customer's candidates reach the agent untouched.
    expect(JSON.stringify(atAnn)).toContain('10.77.2.2 50000 typ host');
  });

  it('leaves calls between agents direct, and tenants outside the rule alone', async () => {
    const server = await start({
      turn: TURN,
      relayOnly: relayOnlyRule('all', { tenants: ['private'] }),
    });
    const a = await answered(
      await server.connect(agent('ada', 'private')),
      await server.connect(agent('abe', 'private')),
      'abe',
    );
    expect([a.caller.iceTransportPolicy, a.callee.iceTransportPolicy]).toEqual(['relay', 'relay']);
    const b = await answered(
      await server.connect(agent('ben', 'open')),
      await server.connect(customer('cid', 'open')),
      'cid',
    );
    expect([b.caller.iceTransportPolicy, b.callee.iceTransportPolicy]).toEqual([
      undefined,
      undefined,
    ]);
    const agents = relayOnlyRule('agents');
    const party = (role: 'agent' | 'customer') => ({ id: role, name: role, role, tenant: 't' });
    expect(agents(party('agent'), party('agent'))).toBe(false);
    expect(agents(party('customer'), party('agent'))).toBe(false);
    expect(agents(party('agent'), party('customer'))).toBe(true);
  });

  it('filters SDP line endings either way and passes end-of-candidates', () => {
    const lf = relayCandidatesOnly({
      type: 'description',
      description: { type: 'answer', sdp: OFFER_SDP.replaceAll('\r\n', '\n') },
    });
    expect(lf?.type === 'description' && lf.description.sdp).not.toContain('typ host');
    expect(relayCandidatesOnly(candidate(HOST.replace('10.77.1.2', 'abc.local')))).toBeNull();
    expect(relayCandidatesOnly({ type: 'candidate', candidate: { candidate: '' } })).toEqual({
      type: 'candidate',
      candidate: { candidate: '' },
    });
    expect(relayCandidatesOnly({ type: 'hangup-media' })).toEqual({ type: 'hangup-media' });
  });
});

describe('end-call from a client whose media gave up', () => {
  it('ends an active call failed or disconnected for both, and a ringing one as usual', async () => {
    const server = await start();
    const ended = async (reason: 'failed' | 'disconnected', by: 'caller' | 'callee') => {
      const alice = await server.connect(agent(`alice-${reason}`));
      const bob = await server.connect(agent(`bob-${reason}`));
      const { call } = await answered(alice, bob, `bob-${reason}`);
      const [self, other] = by === 'caller' ? [alice, bob] : [bob, alice];
      const otherEnded = waitForEvent(other, 'call-ended');
      const ack = await emitAck(self, 'end-call', { callId: call.id, reason });
      expect(ack).toMatchObject({ ok: true, call: { endReason: reason } });
      return (await otherEnded).call;
    };
    expect((await ended('failed', 'callee')).endReason).toBe('failed');
    expect((await ended('disconnected', 'caller')).endReason).toBe('disconnected');

    const carol = await server.connect(agent('carol'));
    const dave = await server.connect(agent('dave'));
    const ringing: CallInfo = await ringCall(carol, dave, 'dave');
    const cancel = await emitAck(carol, 'end-call', { callId: ringing.id, reason: 'failed' });
    expect(cancel).toMatchObject({ ok: true, call: { endReason: 'cancelled' } });
    const bogus = await emitAck(carol, 'end-call', {
      callId: ringing.id,
      reason: 'completed' as 'failed',
    });
    expect(bogus).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});

describe('a network change', () => {
  it('lets the new connection of the same client take its call over from the old one at once', async () => {
    const server = await start();
    const ann = await server.connect(agent('ann'));
    const carl = await server.connect(customer('carl'));
    const { call } = await answered(ann, carl, 'carl');
    // Carl's network changed: his old connection is dead, but the server has not noticed yet
    // (here it is even still open). Another tab of his does not take the call over…
    const token = await server.mintToken(customer('carl'));
    const tab = await connectClient(server.url, token);
    const tabSync = await emitAck(tab, 'sync', {});
    expect(tabSync).toMatchObject({ ok: true, calls: [{ call: { id: call.id } }] });
    expect(tabSync.ok && tabSync.calls[0].media).toBeUndefined();
    // …but his client's new connection, which says which connection it replaces, does.
    const next = await connectClient(server.url, token, { auth: { token, replaces: carl.id } });
    const synced = await emitAck(next, 'sync', {});
    expect(synced.ok && synced.calls[0]).toMatchObject({
      call: { id: call.id, state: 'active' },
      media: { kind: 'p2p', polite: true },
    });
    // Signals now reach the new connection, not the dead one.
    const atNext = waitForEvent(next, 'media-signal');
    const atOld = recordEvents(carl, ['media-signal']);
    await emitAck(ann, 'media-signal', { callId: call.id, signal: candidate(RELAY) });
    expect((await atNext).signal).toEqual(candidate(RELAY));
    expect(atOld).toEqual([]);
    // The old connection's late goodbye does not end the call.
    const oldId = carl.id;
    carl.close();
    tab.close();
    await expect
      .poll(() => oldId !== undefined && server.synapse.namespace.sockets.has(oldId))
      .toBe(false);
    expect(
      await emitAck(next, 'media-signal', { callId: call.id, signal: candidate(RELAY) }),
    ).toEqual({ ok: true });
    next.close();
  });
});

describe('TURN settings from the environment', () => {
  const base = { SYNAPSE_JWT_SECRET: TEST_JWT_SECRET };

  it('reads the TURN server, its secret and lifetime, and the relay-only rule', () => {
    const config = configFromEnv({
      ...base,
      SYNAPSE_TURN_URLS: 'turn:turn.example.com:3478?transport=udp, turns:turn.example.com:5349',
      SYNAPSE_TURN_SECRET: TURN.secret,
      SYNAPSE_TURN_TTL_SECONDS: '3600',
      SYNAPSE_RELAY_ONLY: 'agents',
      SYNAPSE_RELAY_ONLY_TENANTS: 'acme',
    });
    expect(config.turn).toEqual({
      urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'],
      secret: TURN.secret,
      ttlSeconds: 3600,
    });
    const rule = config.relayOnly as ReturnType<typeof relayOnlyRule>;
    const p = (role: 'agent' | 'customer', tenant: string) => ({
      id: role,
      name: '',
      role,
      tenant,
    });
    expect(rule(p('agent', 'acme'), p('customer', 'acme'))).toBe(true);
    expect(rule(p('agent', 'globex'), p('customer', 'globex'))).toBe(false);
  });

  it.each([
    [{ SYNAPSE_TURN_URLS: 'turn:t:3478' }, /go together/],
    [{ SYNAPSE_TURN_URLS: 'stun:t:3478', SYNAPSE_TURN_SECRET: TURN.secret }, /turn: or turns:/],
    [{ SYNAPSE_TURN_URLS: 'turn:t', SYNAPSE_TURN_SECRET: 'short' }, /at least 16/],
    [{ SYNAPSE_RELAY_ONLY: 'agents' }, /needs a TURN server/],
    [{ SYNAPSE_RELAY_ONLY: 'sometimes' }, /must be one of off, all, agents/],
    [{ SYNAPSE_RELAY_ONLY_TENANTS: 'acme' }, /needs SYNAPSE_RELAY_ONLY/],
  ])('refuses %j', (env, message) => {
    expect(() => configFromEnv({ ...base, ...env })).toThrow(message);
  });
});
