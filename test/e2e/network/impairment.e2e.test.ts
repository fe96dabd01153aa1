/**
 * Loss and latency (issue 16, point 5). The agent's home reaches the public services only
 * through the impairing relay on its router (`impair.ts`): its signalling and its TURN traffic.
 * Privacy mode keeps the agent on TURN, so every packet of the call's audio crosses the relay
 * both ways. 10 % loss and 150 ms delay: the call still connects and carries its tones, the
 * quality bars drop to poor and come back once the network does. Everything lost for longer
 * than the reconnect window: the call ends `disconnected` on both sides and in both histories.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { netnsUnavailable } from '@synapse-calling/test-utils/net/netns';
import { impairHome, type ImpairingRelay } from '@synapse-calling/test-utils/net/impair';
import { useNetRig } from '@synapse-calling/test-utils/net/net-rig';
import { selectedPair } from '@synapse-calling/test-utils/net/net-pages';
import { PORTS } from '@synapse-calling/test-utils/net/services';
import { endedFor, shownQuality } from '@synapse-calling/test-utils/net/net-flows';
import { callFlows, explained } from '@synapse-calling/test-utils/e2e/e2e-flows';
import { activeUi, lastEnded } from '@synapse-calling/test-utils/e2e/e2e-pages';

const unavailable = await netnsUnavailable();

/** Short, so that the call gives up in seconds; apps get 20 s by default. */
const RECONNECT_WINDOW_MS = 5_000;
const WAIT = { timeout: 30_000 };

describe.skipIf(unavailable)('calls over a lossy, slow network', () => {
  let relay: ImpairingRelay;
  const net = useNetRig({
    nats: { a: 'cone', b: 'symmetric' },
    turn: true,
    beforeServices: async (network) => {
      relay = await impairHome(network.homes.a, {
        udp: [PORTS.turn],
        tcp: [PORTS.turn, PORTS.synapse],
      });
    },
    servers: {
      turn: ({ turn }) => ({
        SYNAPSE_TURN_URLS: turn!.urls.join(','),
        SYNAPSE_TURN_SECRET: turn!.secret,
        SYNAPSE_RELAY_ONLY: 'agents',
      }),
    },
  });
  const flows = callFlows('p2p');
  afterEach(async () => relay?.set({}));
  afterAll(async () => relay?.stop());

  it('connects and carries the tones at 10 % loss and 150 ms; quality drops to poor, then recovers', async () => {
    await relay.set({ loss: 0.1, delayMs: 150, jitterMs: 10 });
    const { agent, customer, customerId } = await net.rig.pair('turn');
    await flows.connect(agent, customer, customerId);
    await flows.bothHear(agent, customer);
    expect((await selectedPair(agent))?.local.type).toBe('relay'); // through the lossy leg
    for (const page of [agent, customer]) {
      await explained(expect.poll(() => shownQuality(page), WAIT).toBe('poor'), page);
    }
    const { dropped } = await relay.stats();
    expect(dropped).toBeGreaterThan(0);

    await relay.set({});
    for (const page of [agent, customer]) {
      await explained(expect.poll(() => shownQuality(page), WAIT).toMatch(/excellent|good/), page);
    }
    await flows.bothHear(agent, customer);
  }, 90_000);

  it('ends the call disconnected for both after everything is lost for longer than the reconnect window', async () => {
    const { agent, customer, customerId } = await net.rig.pair('turn', {
      // A quick ack timeout: the agent's hang-up cannot reach the server during the outage.
      client: { mediaReconnectTimeoutMs: RECONNECT_WINDOW_MS, ackTimeoutMs: 3_000 },
    });
    const { callId } = await flows.connect(agent, customer, customerId);
    await flows.bothHear(agent, customer);

    await relay.set({ loss: 1 });
    // The customer's side gives up after the window and tells the server; the agent's side,
    // cut off, gives up on its own.
    await endedFor(customer, callId, 'disconnected', 'incoming', WAIT.timeout);
    await explained(
      expect.poll(async () => (await lastEnded(agent))?.endReason, WAIT).toBe('disconnected'),
      agent,
    );
    expect((await lastEnded(agent))?.id).toBe(callId);
    expect(await activeUi(agent).open()).toBe(false);
    // Back online: the agent's history (from the server) says the same.
    await relay.set({});
    await endedFor(agent, callId, 'disconnected', 'outgoing', WAIT.timeout);
  }, 90_000);
});
