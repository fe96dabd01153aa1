import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { callFlows, explained, UI } from '@synapse-calling/test-utils/e2e/e2e-flows';
import { activeCall, incomingUi, placeCall } from '@synapse-calling/test-utils/e2e/e2e-pages';
import { useRig } from '@synapse-calling/test-utils/e2e/e2e-rig';

// The demo's `support` line (examples/demo-users.mjs): alice, bob and gus answer it, longest
// idle first; peer-to-peer media, as the demo ships.
const rig = useRig('p2p');
const { bothActive, bothHear } = callFlows('p2p');

/** The portal's "Call support" button. */
function supportButton(page: Page) {
  const host = page.locator('synapse-call-button[line="support"]');
  return {
    button: host.locator('button[part="button"]'),
    state: () => host.getAttribute('state'),
    status: () => host.locator('[part="line-status"]').textContent(),
  };
}

/** The page's incoming prompt rings for `callId`. */
async function ringsFor(page: Page, callId: string): Promise<void> {
  await incomingUi(page).accept.waitFor({ state: 'visible', ...UI });
  const ringing = () =>
    page.evaluate(() => {
      const calling = document.querySelector('synapse-calling') as unknown as {
        client: { getSnapshot(): { incomingCalls: { id: string }[] } };
      };
      return calling.client.getSnapshot().incomingCalls.map((c) => c.id);
    });
  await expect.poll(ringing, UI).toContain(callId);
}

describe('the demo support line (P2P)', () => {
  it('rings the longest-idle agent, the next after a decline; a caller waits in line while all are busy', async () => {
    const [alice, bob, gus, carol] = [
      await rig.open('alice'),
      await rig.open('bob'),
      await rig.open('gus'),
      await rig.open('carol'),
    ];
    const support = supportButton(carol);
    await expect.poll(() => support.status(), UI).toBe('Agents available');
    expect((await support.button.textContent())?.trim()).toBe('Call support');

    // Nobody has had a call, so all are idle equally long: the line's order decides (alice).
    await support.button.click();
    await expect.poll(async () => (await activeCall(carol))?.direction, UI).toBe('outgoing');
    const callId = (await activeCall(carol))!.id;
    await ringsFor(alice, callId);
    await incomingUi(alice).decline.click();
    await ringsFor(bob, callId);
    await incomingUi(bob).accept.click();
    await bothActive(bob, carol, callId);
    expect((await activeCall(carol))?.peer.name).toBe('Bob Brown');
    await bothHear(bob, carol);

    // Alice and gus talk to each other: every agent is busy, so dave waits, first in line.
    const direct = await placeCall(alice, 'gus');
    if (!direct.ok) throw new Error(`alice could not call gus: ${direct.code}`);
    await incomingUi(gus).accept.waitFor({ state: 'visible', ...UI });
    await incomingUi(gus).accept.click();
    await bothActive(alice, gus, direct.id);

    const dave = await rig.open('dave');
    const daveSupport = supportButton(dave);
    await expect.poll(() => daveSupport.status(), UI).toMatch(/^All agents busy/);
    await daveSupport.button.click();
    const queue = dave.locator('synapse-active-call [part="queue"]');
    await explained(
      expect.poll(() => queue.textContent(), UI).toBe('You are number 1 in line'),
      dave,
    );
    const waitingId = (await activeCall(dave))!.id;

    // Bob hangs up on carol: he is free, and dave's call rings him.
    await bob.locator('synapse-active-call button[part="end"]').click();
    await ringsFor(bob, waitingId);
    await incomingUi(bob).accept.click();
    await bothActive(bob, dave, waitingId);
    await expect.poll(() => queue.count(), UI).toBe(0);
    expect((await activeCall(dave))?.peer.name).toBe('Bob Brown');
  }, 180_000);
});
