/**
 * P2P calls that lose their path (issue 16, points 4 and 6). Both homes sit behind cone NATs
 * and reach each other directly (STUN hole punching through `pub`), so cutting a home's UDP at
 * its router leaves no path at all, and moving a home's host to a new address breaks every
 * connection it had. Both calls must come back by themselves, with audio both ways.
 *
 * The ICE restart scenario is the one that used to leave one direction silent (2 of 8 runs of
 * the old rig): run it many times in a row with `NET_REPEATS=29 npx vitest run
 * test/e2e/network/p2p-recovery.e2e.test.ts -t 'ICE restart'` (1 + 29 runs).
 */
import { describe, expect, it } from 'vitest';
import { netnsUnavailable } from '@synapse-calling/test-utils/net/netns';
import { useNetRig } from '@synapse-calling/test-utils/net/net-rig';
import { hostAddress, offerUfrags, selectedPair } from '@synapse-calling/test-utils/net/net-pages';
import {
  mediaReconnecting,
  reconnectingText,
  stillActive,
} from '@synapse-calling/test-utils/net/net-flows';
import { callFlows, explained } from '@synapse-calling/test-utils/e2e/e2e-flows';

const unavailable = await netnsUnavailable();

const repeats = Number(process.env.NET_REPEATS ?? 0);
const WAIT = { timeout: 30_000 };

describe.skipIf(unavailable)('P2P calls recover their path', () => {
  const net = useNetRig({
    nats: { a: 'cone', b: 'cone' },
    turn: true,
    servers: {
      p2p: ({ turn }) => ({ SYNAPSE_ICE_SERVERS: JSON.stringify([{ urls: turn!.stunUrl }]) }),
    },
  });
  const flows = callFlows('p2p');

  /** A connected call whose audio goes directly between the two NATs (no relay). */
  async function directCall() {
    const { agent, customer, customerId } = await net.rig.pair('p2p');
    const { callId } = await flows.connect(agent, customer, customerId);
    await flows.bothHear(agent, customer);
    expect((await selectedPair(agent))?.remote).toMatchObject({
      address: net.rig.net.homes.b.publicAddress,
    });
    return { agent, customer, callId };
  }

  it(
    'ICE restart: the only path is cut mid-call and restored, and audio comes back both ways',
    { repeats, timeout: 90_000 },
    async () => {
      const { agent, customer, callId } = await directCall();
      const before = await offerUfrags(agent);

      await net.rig.net.block('a', 'udp');
      // Both sides notice and say so, and the call goes on.
      for (const page of [agent, customer]) {
        await explained(expect.poll(() => mediaReconnecting(page), WAIT).toBe(true), page);
        expect(await reconnectingText(page)).toBe('Reconnecting…');
      }
      // A restart made while the path is still down fails; the caller must keep trying.
      await expect.poll(async () => (await offerUfrags(agent)).length, WAIT).toBeGreaterThan(1);
      await net.rig.net.unblock('a');

      for (const page of [agent, customer]) {
        await explained(expect.poll(() => mediaReconnecting(page), WAIT).toBe(false), page);
      }
      await flows.bothHear(agent, customer);
      await stillActive(callId, agent, customer);
      // It was an ICE restart: offers with fresh credentials, all of them from the caller.
      const after = (await offerUfrags(agent)).slice(before.length);
      expect(after.filter((u) => !before.includes(u)).length).toBeGreaterThan(0);
      expect(await offerUfrags(customer)).toEqual([]);
    },
  );

  it('network change: the customer moves to a new address mid-call, and the call carries on', async () => {
    // The callee's side moving is the harder case: it may not restart ICE itself (only the
    // caller does), so its new connection takes the call over and the caller restarts.
    const { agent, customer, callId } = await directCall();
    const moved = await net.rig.net.moveHost('b');
    // Its media runs from its new address once it is back (the address of its host
    // candidate, or the one behind its server-reflexive candidate).
    const local = async () => {
      const end = (await selectedPair(customer))?.local;
      return end && hostAddress(end);
    };
    await explained(expect.poll(local, WAIT).toBe(moved), agent, customer);
    await explained(expect.poll(() => mediaReconnecting(customer), WAIT).toBe(false), customer);
    await flows.bothHear(agent, customer);
    await stillActive(callId, agent, customer);
  }, 90_000);
});
