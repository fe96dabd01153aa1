import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import { startDemo, type RunningDemo } from '@synapse-calling/test-utils/e2e/demo';
import { callButton } from '@synapse-calling/test-utils/e2e/demo-pages';
import {
  firstHistoryItem,
  hearsOnExample,
  openExample,
} from '@synapse-calling/test-utils/e2e/examples-pages';

// examples/customer-portal (only the single-file bundle) as a customer uses it, on a phone-sized
// screen, against an agent's CRM.
const CAROL_HZ = 660;
const ALICE_HZ = 880;

let demo: RunningDemo;
let carolBrowser: Browser;
let aliceBrowser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  [carolBrowser, aliceBrowser] = await Promise.all([
    launchChromium({ toneHz: CAROL_HZ }),
    launchChromium({ toneHz: ALICE_HZ }),
  ]);
});
afterAll(async () => {
  await Promise.all([carolBrowser?.close(), aliceBrowser?.close()]);
  await demo?.stop();
});

const poll = { timeout: 15_000 };

describe('examples/customer-portal', () => {
  it('carol sees agent availability, calls alice, alice answers in her CRM, both histories show it with the right direction', async () => {
    const carol = await openExample(carolBrowser, demo.url, '/customer-portal/?user=carol', {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });

    // Only agents of her tenant are listed; alice is offline until she signs in.
    const agents = await carol
      .locator('#agents li')
      .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.userId));
    expect(agents).toEqual(['alice', 'bob', 'gus']);
    // Her tenant has a support line (examples/demo-users.mjs): the portal offers to call it.
    await expect
      .poll(() => carol.locator('#support synapse-call-button').getAttribute('state'), {
        timeout: 15_000,
      })
      .toBe('idle');
    const aliceStatus = carol.locator('synapse-presence[user-id="alice"]');
    expect(await aliceStatus.getAttribute('status')).toBe('offline');
    const toAlice = await callButton(carol, 'alice');
    expect(await toAlice.button.isDisabled()).toBe(true);

    const alice = await openExample(aliceBrowser, demo.url, '/crm-agent/?user=alice');
    await expect.poll(() => aliceStatus.getAttribute('status'), poll).toBe('online');
    await expect.poll(() => toAlice.button.isEnabled(), poll).toBe(true);

    // Carol taps the call button (it fits on a phone: nothing overflows the viewport).
    const overflow = await carol.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    // …and the two panels stack instead of squeezing the agent list.
    const team = await carol.locator('section[aria-labelledby="team-title"]').boundingBox();
    const calls = await carol.locator('section[aria-labelledby="history-title"]').boundingBox();
    expect(team!.width).toBeGreaterThan(300);
    expect(calls!.y).toBeGreaterThanOrEqual(team!.y + team!.height);
    await toAlice.button.tap();
    await expect.poll(() => toAlice.state(), poll).toBe('calling');

    const accept = alice.locator('synapse-incoming-call button[part="accept"]');
    await accept.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await alice.locator('synapse-incoming-call [part="caller"]').textContent()).toContain(
      'Carol',
    );
    await accept.click();
    await expect.poll(() => toAlice.state(), poll).toBe('in-call');
    await carol.locator('synapse-active-call button[part="end"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => hearsOnExample(carol, ALICE_HZ), poll).toBe(true);
    await expect.poll(() => hearsOnExample(alice, CAROL_HZ), poll).toBe(true);

    // Carol hangs up from the portal.
    await carol.locator('synapse-active-call button[part="end"]').tap();
    await alice.locator('synapse-active-call button[part="end"]').waitFor({ state: 'hidden' });

    // The call lands in both histories: outgoing for carol, incoming for alice.
    const carolItem = firstHistoryItem(carol);
    await expect.poll(() => carolItem.outcome(), poll).toBe('completed');
    expect(await carolItem.direction()).toBe('outgoing');
    expect(await carolItem.peer()).toContain('Alice');
    const aliceItem = firstHistoryItem(alice);
    await expect.poll(() => aliceItem.outcome(), poll).toBe('completed');
    expect(await aliceItem.direction()).toBe('incoming');
    expect(await aliceItem.peer()).toContain('Carol');

    // And the other way round: alice calls carol back from the CRM; carol declines in the portal.
    const toCarol = await callButton(alice, 'carol');
    await expect.poll(() => toCarol.button.isEnabled(), poll).toBe(true);
    await toCarol.button.click();
    const decline = carol.locator('synapse-incoming-call button[part="decline"]');
    await decline.waitFor({ state: 'visible', timeout: 15_000 });
    await decline.tap();
    await expect.poll(() => carolItem.outcome(), poll).toBe('rejected');
    expect(await carolItem.direction()).toBe('incoming');
    await expect.poll(() => aliceItem.outcome(), poll).toBe('rejected');
    expect(await aliceItem.direction()).toBe('outgoing');

    await Promise.all([alice.context().close(), carol.context().close()]);
  });
});
