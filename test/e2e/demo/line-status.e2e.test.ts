import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { explained, UI } from '@synapse-calling/test-utils/e2e/e2e-flows';
import { activeCall, incomingUi } from '@synapse-calling/test-utils/e2e/e2e-pages';
import { axeViolations } from '@synapse-calling/test-utils/e2e/notifications';
import { useRig } from '@synapse-calling/test-utils/e2e/e2e-rig';

// The CRM's <synapse-line-status line="support"> for the demo's support line (alice, bob and gus
// answer it): counts, who waits and for how long, and each agent's "Taking calls" switch.
const rig = useRig('p2p');

function lineStatus(page: Page) {
  const host = page.locator('synapse-line-status[line="support"]');
  return {
    host,
    counts: () => host.locator('[part="counts"]').textContent(),
    toggle: host.locator('button[part="taking-calls"]'),
    pressed: () => host.locator('button[part="taking-calls"]').getAttribute('aria-pressed'),
    calls: () => host.locator('[part="call"]').allTextContents(),
  };
}

/** Text without the spacing of the template. */
const squash = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

describe('the CRM line status (demo support line)', () => {
  it('shows agents how many are available and who waits; the switch pauses and resumes taking calls', async () => {
    const [alice, bob, gus] = [
      await rig.open('alice'),
      await rig.open('bob'),
      await rig.open('gus'),
    ];
    const mine = lineStatus(alice);
    await expect
      .poll(async () => squash(await mine.counts()), UI)
      .toBe('3 agents available · Nobody waiting');
    expect(await mine.pressed()).toBe('true');
    expect(squash(await mine.host.locator('[part="name"]').textContent())).toBe('Support');

    // Bob and gus pause: alice's view follows (it refreshes every few seconds).
    for (const page of [bob, gus]) {
      const theirs = lineStatus(page);
      await theirs.toggle.click();
      await expect.poll(() => theirs.pressed(), UI).toBe('false');
    }
    await expect
      .poll(async () => squash(await mine.counts()), UI)
      .toBe('1 agent available · Nobody waiting');
    await mine.toggle.click();
    await expect.poll(() => mine.pressed(), UI).toBe('false');
    await expect
      .poll(async () => squash(await mine.counts()), UI)
      .toBe('No agent available · Nobody waiting');

    // Nobody takes calls: carol's call to support waits, and the agents see her waiting.
    const carol = await rig.open('carol');
    await carol.locator('synapse-call-button[line="support"] button[part="button"]').click();
    const queue = carol.locator('synapse-active-call [part="queue"]');
    await explained(
      expect.poll(() => queue.textContent(), UI).toBe('You are number 1 in line'),
      carol,
    );
    await expect
      .poll(async () => squash(await mine.counts()), UI)
      .toBe('No agent available · 1 waiting');
    await expect
      .poll(async () => (await mine.calls()).map(squash), UI)
      .toEqual([expect.stringMatching(/^Carol Chen waiting \d+:\d\d$/)]);
    await expect
      .poll(async () => (await lineStatus(gus).calls()).map(squash), UI)
      .toEqual([expect.stringMatching(/^Carol Chen waiting/)]);
    expect(await axeViolations(alice, 'synapse-line-status')).toEqual([]);

    // Alice takes calls again: carol's waiting call rings her.
    const callId = (await activeCall(carol))!.id;
    await mine.toggle.click();
    await incomingUi(alice).accept.waitFor({ state: 'visible', ...UI });
    expect(await incomingUi(alice).caller.textContent()).toContain('Carol Chen');
    await incomingUi(alice).accept.click();
    await expect.poll(async () => (await activeCall(alice))?.state, UI).toBe('active');
    expect((await activeCall(alice))?.id).toBe(callId);
    await expect.poll(async () => (await mine.calls()).length, UI).toBe(0);

    // A customer has no view of the line: the element stays hidden and the server says not-found.
    expect(await carol.locator('synapse-line-status').count()).toBe(0);
    const refused = await carol.evaluate(async () => {
      const calling = document.querySelector('synapse-calling') as unknown as {
        client: { lines: { agentStatus(line: string): Promise<unknown> } };
      };
      return calling.client.lines.agentStatus('support').then(
        () => 'answered',
        (err: { code?: string }) => err.code,
      );
    });
    expect(refused).toBe('not-found');

    // Everyone takes calls again (the demo's line settings outlive this test).
    for (const page of [bob, gus]) await lineStatus(page).toggle.click();
    for (const page of [bob, gus])
      await expect.poll(() => lineStatus(page).pressed(), UI).toBe('true');
  }, 180_000);
});
