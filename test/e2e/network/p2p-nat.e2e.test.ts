/**
 * P2P calls across NATs (issue 16, points 1 and 2): the agent sits behind a cone NAT, the
 * customer behind a symmetric one, the signalling server and coturn in `pub`. STUN alone cannot
 * get through a symmetric NAT; TURN can; and in privacy mode the customer's page never learns
 * where the agent is.
 */
import { describe, expect, it } from 'vitest';
import { netnsUnavailable } from '@synapse-calling/test-utils/net/netns';
import { useNetRig } from '@synapse-calling/test-utils/net/net-rig';
import { receivedSignals, selectedPair } from '@synapse-calling/test-utils/net/net-pages';
import { buttonOutcome, endedFor } from '@synapse-calling/test-utils/net/net-flows';
import { SERVER_ADDRESS } from '@synapse-calling/test-utils/net/topology';
import { callFlows, explained } from '@synapse-calling/test-utils/e2e/e2e-flows';
import { activeCall, incomingUi } from '@synapse-calling/test-utils/e2e/e2e-pages';

const unavailable = await netnsUnavailable();

/** Short, so the failing call ends in seconds; the default (30 s) is what apps get. */
const CONNECT_TIMEOUT_MS = 4_000;
const STUN = (url: string) => JSON.stringify([{ urls: url }]);

describe.skipIf(unavailable)('P2P through NAT', () => {
  const net = useNetRig({
    nats: { a: 'cone', b: 'symmetric' },
    turn: true,
    servers: {
      // STUN only: what the reference server hands out without TURN settings.
      stun: ({ turn }) => ({ SYNAPSE_ICE_SERVERS: STUN(turn!.stunUrl) }),
      // TURN credentials minted per user; tenant `private` keeps agents' addresses hidden.
      turn: ({ turn }) => ({
        SYNAPSE_ICE_SERVERS: STUN(turn!.stunUrl),
        SYNAPSE_TURN_URLS: turn!.urls.join(','),
        SYNAPSE_TURN_SECRET: turn!.secret,
        SYNAPSE_RELAY_ONLY: 'agents',
        SYNAPSE_RELAY_ONLY_TENANTS: 'private',
      }),
    },
  });
  const flows = callFlows('p2p');

  it('without TURN fails within the connect timeout, and both sides say could not connect', async () => {
    const { agent, customer, customerId } = await net.rig.pair('stun', {
      client: { mediaConnectTimeoutMs: CONNECT_TIMEOUT_MS },
    });
    const { callId } = await flows.ring(agent, customer, customerId);
    await incomingUi(customer).accept.click();
    await expect.poll(async () => (await activeCall(agent))?.state).toBe('connecting');
    // Not stuck connecting: the call ends `failed` for both, and both the call button and the
    // history say so, a few seconds after the connect timeout at most.
    const within = CONNECT_TIMEOUT_MS + 10_000;
    await endedFor(agent, callId, 'failed', 'outgoing', within);
    await endedFor(customer, callId, 'failed', 'incoming', within);
    for (const page of [agent, customer]) {
      expect(await buttonOutcome(page)).toBe('Could not connect');
    }
  }, 60_000);

  it('with TURN connects through the relay, and both hear each other', async () => {
    const { agent, customer, customerId } = await net.rig.pair('turn');
    await flows.connect(agent, customer, customerId);
    await flows.bothHear(agent, customer);
    for (const page of [agent, customer]) {
      const pair = await selectedPair(page);
      // The symmetric NAT leaves the relay as the only way: at least one end is a TURN relay.
      expect([pair?.local.type, pair?.remote.type], JSON.stringify(pair)).toContain('relay');
    }
  }, 60_000);

  it('in privacy mode no candidate the customer receives carries the agent’s address', async () => {
    const { agent, customer, customerId } = await net.rig.pair('turn', { tenant: 'private' });
    await flows.connect(agent, customer, customerId);
    await flows.bothHear(agent, customer);
    // The agent's own client gathered relay candidates only (iceTransportPolicy 'relay').
    const local = await selectedPair(agent);
    expect(local?.local).toMatchObject({ type: 'relay', address: SERVER_ADDRESS });

    const received = await receivedSignals(customer);
    expect(received.length).toBeGreaterThan(0);
    const { address, publicAddress } = net.rig.net.homes.a;
    for (const signal of received) {
      await explained(
        Promise.resolve().then(() => {
          expect(signal).not.toContain(address);
          expect(signal).not.toContain(publicAddress);
          expect(signal).not.toMatch(/typ (host|srflx|prflx)/);
        }),
        customer,
      );
    }
    // The customer's addresses are not protected from the agent (the rule is one-way).
    expect((await receivedSignals(agent)).join('\n')).toMatch(/typ (host|srflx)/);
  }, 60_000);
});
