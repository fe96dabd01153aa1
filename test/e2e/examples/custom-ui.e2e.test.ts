import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import { startDemo, type RunningDemo } from '@synapse-calling/test-utils/e2e/demo';
import { callButton } from '@synapse-calling/test-utils/e2e/demo-pages';
import {
  firstHistoryItem,
  hearsOnExample,
  openExample,
} from '@synapse-calling/test-utils/e2e/examples-pages';

// examples/custom-ui (plain JS on sdk-core, no elements) against the elements-based CRM, in the
// running demo. Each browser's fake microphone plays its own tone, so "hears" proves direction.
const BOB_HZ = 440;
const ALICE_HZ = 880;

let demo: RunningDemo;
let bobBrowser: Browser;
let aliceBrowser: Browser;

beforeAll(async () => {
  demo = await startDemo();
  [bobBrowser, aliceBrowser] = await Promise.all([
    launchChromium({ toneHz: BOB_HZ }),
    launchChromium({ toneHz: ALICE_HZ }),
  ]);
});
afterAll(async () => {
  await Promise.all([bobBrowser?.close(), aliceBrowser?.close()]);
  await demo?.stop();
});

const poll = { timeout: 15_000 };

/** The custom UI's view of things, read from its DOM. */
function customUi(page: Page) {
  return {
    callButton: (userId: string) => page.locator(`#people button[data-user-id="${userId}"]`),
    status: (userId: string) =>
      page.locator(`#people li[data-user-id="${userId}"] .dot`).getAttribute('data-status'),
    currentState: async () =>
      (await page.locator('#current').isVisible())
        ? page.locator('#current').getAttribute('data-state')
        : null,
    incomingVisible: () => page.locator('#incoming').isVisible(),
    lastEndedReason: async () =>
      (await page.locator('#last-ended').isVisible())
        ? page.locator('#last-ended').getAttribute('data-reason')
        : null,
  };
}

describe('examples/custom-ui (sdk-core only)', () => {
  it('bob sees his tenant with presence, calls alice, they hear each other, mute works, bob hangs up', async () => {
    const alice = await openExample(aliceBrowser, demo.url, '/crm-agent/?user=alice');
    const bob = await openExample(bobBrowser, demo.url, '/custom-ui/?user=bob');
    const ui = customUi(bob);

    // His tenant's people (gus is the demo's third support agent), nobody from globex; alice online, carol (not signed in) offline.
    const listed = await bob
      .locator('#people li')
      .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.userId));
    expect(listed).toEqual(['alice', 'gus', 'carol', 'dave']);
    await expect.poll(() => ui.status('alice'), poll).toBe('online');
    expect(await ui.status('carol')).toBe('offline');
    expect(await ui.callButton('carol').isDisabled()).toBe(true);
    expect(await bob.locator('#me').textContent()).toBe('Bob Brown');

    await ui.callButton('alice').click();
    await expect.poll(() => ui.currentState(), poll).toBe('ringing');
    expect(await bob.locator('#hang-up').textContent()).toBe('Cancel');

    // Alice's CRM rings; she accepts.
    const accept = alice.locator('synapse-incoming-call button[part="accept"]');
    await accept.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await alice.locator('synapse-incoming-call [part="caller"]').textContent()).toContain(
      'Bob',
    );
    await accept.click();

    await expect.poll(() => ui.currentState(), poll).toBe('active');
    expect(await bob.locator('#current-state').textContent()).toBe('In call');
    expect(await bob.locator('#hang-up').textContent()).toBe('Hang up');
    await expect.poll(() => ui.status('alice'), poll).toBe('busy');

    // Audio both ways: bob's stream through window.synapseClient, alice's through the elements.
    await expect.poll(() => hearsOnExample(bob, ALICE_HZ), poll).toBe(true);
    await expect.poll(() => hearsOnExample(alice, BOB_HZ), poll).toBe(true);

    // Mute silences bob for alice; unmute brings him back.
    await bob.locator('#mute').click();
    await expect.poll(() => bob.locator('#mute').getAttribute('aria-pressed'), poll).toBe('true');
    expect(await bob.locator('#mute').textContent()).toBe('Unmute');
    await expect.poll(() => hearsOnExample(alice, BOB_HZ), poll).toBe(false);
    await bob.locator('#mute').click();
    await expect.poll(() => bob.locator('#mute').getAttribute('aria-pressed'), poll).toBe('false');
    await expect.poll(() => hearsOnExample(alice, BOB_HZ), poll).toBe(true);

    // Bob hangs up from the custom UI; both sides end.
    await bob.locator('#hang-up').click();
    await expect.poll(() => ui.currentState(), poll).toBe(null);
    await expect.poll(() => ui.lastEndedReason(), poll).toBe('completed');
    expect(await bob.locator('#last-ended').textContent()).toMatch(
      /^Last call with Alice Adams: ended after \d+:\d\d\.$/,
    );
    await alice.locator('synapse-active-call button[part="end"]').waitFor({ state: 'hidden' });
    const aliceHistory = firstHistoryItem(alice);
    await expect.poll(() => aliceHistory.outcome(), poll).toBe('completed');
    expect(await aliceHistory.direction()).toBe('incoming');
    expect(await aliceHistory.peer()).toContain('Bob');
    await expect.poll(() => ui.status('alice'), poll).toBe('online');
    expect(await ui.callButton('alice').isEnabled()).toBe(true);

    await Promise.all([alice.context().close(), bob.context().close()]);
  });

  it('bob declines an incoming call, then accepts the next one, and sees how each ended', async () => {
    const alice = await openExample(aliceBrowser, demo.url, '/crm-agent/?user=alice');
    const bob = await openExample(bobBrowser, demo.url, '/custom-ui/?user=bob');
    const ui = customUi(bob);
    const toBob = await callButton(alice, 'bob');
    await expect.poll(() => toBob.button.isEnabled(), poll).toBe(true);

    // First call: bob declines in the custom UI; alice's CRM is told.
    await toBob.button.click();
    await expect.poll(() => ui.incomingVisible(), poll).toBe(true);
    expect(await bob.locator('#incoming-peer').textContent()).toBe('Alice Adams');
    // While it rings, bob answers or declines before placing another call.
    expect(await ui.callButton('alice').isDisabled()).toBe(true);
    await bob.locator('#decline').click();
    await expect.poll(() => ui.incomingVisible(), poll).toBe(false);
    await expect.poll(() => ui.lastEndedReason(), poll).toBe('rejected');
    expect(await bob.locator('#last-ended').textContent()).toBe(
      'Last call with Alice Adams: declined.',
    );
    await expect.poll(() => firstHistoryItem(alice).outcome(), poll).toBe('rejected');
    await expect.poll(() => toBob.state(), poll).toBe('idle');

    // Second call: bob accepts; alice hangs up from her CRM; bob's UI shows it ended.
    await toBob.button.click();
    await expect.poll(() => ui.incomingVisible(), poll).toBe(true);
    await bob.locator('#accept').click();
    await expect.poll(() => ui.currentState(), poll).toBe('active');
    expect(await ui.incomingVisible()).toBe(false);
    await expect.poll(() => toBob.state(), poll).toBe('in-call');
    await alice.locator('synapse-active-call button[part="end"]').click();
    await expect.poll(() => ui.currentState(), poll).toBe(null);
    await expect.poll(() => ui.lastEndedReason(), poll).toBe('completed');

    await Promise.all([alice.context().close(), bob.context().close()]);
  });
});
