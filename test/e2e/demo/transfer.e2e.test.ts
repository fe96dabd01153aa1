import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hears } from '@synapse-calling/test-utils/e2e/demo-pages';
import { AUDIO, callFlows, explained, UI } from '@synapse-calling/test-utils/e2e/e2e-flows';
import { activeCall, activeUi, incomingUi } from '@synapse-calling/test-utils/e2e/e2e-pages';
import {
  AGENT_HZ,
  CUSTOMER_HZ,
  useRig,
  type MediaMode,
} from '@synapse-calling/test-utils/e2e/e2e-rig';

/** Bob speaks another tone than Alice, so the customer's ear tells who is on the line. */
const BOB_HZ = 660;

/** The transfer controls inside a page's active-call panel. */
function transferUi(page: Page) {
  const controls = page.locator('synapse-active-call synapse-transfer-controls');
  return {
    open: controls.locator('button[part="transfer-open"]'),
    target: (userId: string) => controls.locator(`button[data-to="${userId}"]`),
    status: controls.locator('[part="transfer-status"]'),
    mode: controls.locator('select[part="transfer-mode"]'),
    complete: controls.locator('button[part="transfer-complete"]'),
    cancel: controls.locator('button[part="transfer-cancel"]'),
  };
}

/** Waits until the transfer notices of Alice's and Carol's panels say what they should. */
async function statuses(pages: { alice: Page; carol: Page }, onAlice: string, onCarol: string) {
  const { alice, carol } = pages;
  await explained(
    expect.poll(() => transferUi(carol).status.textContent(), UI).toBe(onCarol),
    carol,
  );
  await expect.poll(() => transferUi(alice).status.textContent(), UI).toBe(onAlice);
}

describe.each<[string, MediaMode]>([
  ['P2P', 'p2p'],
  ['LiveKit', 'livekit'],
])('transferring a support call (%s)', (_name, mode) => {
  const rig = useRig(mode, { tones: { bob: BOB_HZ } });
  const { bothActive, bothHear } = callFlows(mode);

  /** Carol calls support and Alice (rung first: the line's order) answers; both hear each other. */
  async function supportCall() {
    const [alice, bob, carol] = [
      await rig.open('alice'),
      await rig.open('bob'),
      await rig.open('carol'),
    ];
    const support = carol.locator('synapse-call-button[line="support"] button[part="button"]');
    await expect.poll(() => support.isEnabled(), UI).toBe(true);
    await support.click();
    await incomingUi(alice).accept.waitFor({ state: 'visible', ...UI });
    await incomingUi(alice).accept.click();
    const callId = (await activeCall(carol))!.id;
    await bothActive(alice, carol, callId);
    await bothHear(alice, carol);
    return { alice, bob, carol, callId };
  }

  /** Alice transfers warm to Bob, who answers: the panels say Alice consults and Carol is held. */
  async function consult({ alice, bob, carol }: { alice: Page; bob: Page; carol: Page }) {
    await transferUi(alice).open.click();
    await transferUi(alice).mode.selectOption('warm');
    await transferUi(alice).target('bob').click();
    await incomingUi(bob).accept.waitFor({ state: 'visible', ...UI });
    await incomingUi(bob).accept.click();
    await statuses({ alice, carol }, 'Consulting Bob Brown', 'On hold — Alice Adams is consulting');
  }

  /**
   * After Bob took the call: Alice's panel closes, Carol's names Bob, Carol hears Bob and not
   * Alice, and Bob hears Carol.
   */
  async function bobHasCarol(
    { alice, bob, carol }: { alice: Page; bob: Page; carol: Page },
    callId: string,
  ) {
    await bothActive(bob, carol, callId);
    await expect.poll(() => activeUi(alice).open(), UI).toBe(false);
    // Carol's call was active all along: her page learns of Bob from call-transferred, which may
    // land after Alice's panel closed.
    await expect.poll(async () => (await activeCall(carol))?.peer.name, UI).toBe('Bob Brown');
    await explained(expect.poll(() => hears(carol, BOB_HZ), AUDIO).toBe(true), carol, bob);
    expect(await hears(carol, AGENT_HZ)).toBe(false);
    await explained(expect.poll(() => hears(bob, CUSTOMER_HZ), AUDIO).toBe(true), bob, carol);
  }

  it('Alice hands Carol to Bob: Bob rings with who it is, then Carol hears Bob and no longer Alice', async () => {
    const { alice, bob, carol, callId } = await supportCall();

    // Alice opens the transfer list and picks Bob.
    await transferUi(alice).open.click();
    await transferUi(alice).target('bob').click();
    await statuses(
      { alice, carol },
      'Transferring to Bob Brown…',
      'Transferring you to Bob Brown…',
    );
    await incomingUi(bob).accept.waitFor({ state: 'visible', ...UI });
    expect(await incomingUi(bob).caller.textContent()).toBe(
      'Transfer from Alice Adams: Carol Chen',
    );
    // While Bob's page rings, Carol still talks with Alice.
    expect((await activeCall(carol))?.state).toBe('active');
    expect(await hears(carol, AGENT_HZ)).toBe(true);

    await incomingUi(bob).accept.click();
    // Carol hears Bob's voice, and Alice's is gone; Bob hears Carol.
    await bobHasCarol({ alice, bob, carol }, callId);
    await expect.poll(() => transferUi(carol).status.count(), UI).toBe(0);
  }, 180_000);

  it('warm: Alice consults Bob while Carol hears neither, then completes; Carol hears Bob, not Alice', async () => {
    const { alice, bob, carol, callId } = await supportCall();
    // The consultation: Alice and Bob talk, Carol is on hold.
    await consult({ alice, bob, carol });
    await explained(expect.poll(() => hears(bob, AGENT_HZ), AUDIO).toBe(true), bob, alice);
    // Carol hears nothing of it: not Alice (held), not Bob.
    await explained(expect.poll(() => hears(carol, AGENT_HZ), AUDIO).toBe(false), carol, alice);
    expect(await hears(carol, BOB_HZ)).toBe(false);
    expect((await activeCall(carol))?.state).toBe('active');

    await transferUi(alice).complete.click();
    await bobHasCarol({ alice, bob, carol }, callId);
  }, 180_000);

  it('warm, cancelled: Bob leaves the consultation, Carol and Alice hear each other again', async () => {
    const { alice, bob, carol } = await supportCall();
    await consult({ alice, bob, carol });
    await explained(expect.poll(() => hears(carol, AGENT_HZ), AUDIO).toBe(false), carol, alice);

    await transferUi(alice).cancel.click();
    await expect.poll(() => activeUi(bob).open(), UI).toBe(false);
    // The customer's notice is gone with the transfer.
    await expect.poll(() => transferUi(carol).status.count(), UI).toBe(0);
    // Off hold, both ways.
    await explained(expect.poll(() => hears(carol, AGENT_HZ), AUDIO).toBe(true), carol, alice);
    await explained(expect.poll(() => hears(alice, CUSTOMER_HZ), AUDIO).toBe(true), alice, carol);
  }, 180_000);
});
