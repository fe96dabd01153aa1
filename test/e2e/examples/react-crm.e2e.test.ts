import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import { DEMO_SCRIPT, startDemo, type RunningDemo } from '@synapse-calling/test-utils/e2e/demo';
import { callButton } from '@synapse-calling/test-utils/e2e/demo-pages';
import {
  firstHistoryItem,
  hearsOnExample,
  openExample,
} from '@synapse-calling/test-utils/e2e/examples-pages';

// examples/react-crm as Vite built it (`npm run build`), served by the demo: Alice's React page
// (the hooks show presence and calls, the elements place them) and Carol's customer portal, each
// in a Chromium whose microphone plays its own tone.
const ALICE_HZ = 440;
const CAROL_HZ = 880;
const built = join(DEMO_SCRIPT, '../react-crm/dist/index.html');

let demo: RunningDemo;
let aliceBrowser: Browser;
let carolBrowser: Browser;

beforeAll(async () => {
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  demo = await startDemo();
  [aliceBrowser, carolBrowser] = await Promise.all([
    launchChromium({ toneHz: ALICE_HZ }),
    launchChromium({ toneHz: CAROL_HZ }),
  ]);
});
afterAll(async () => {
  await Promise.all([aliceBrowser?.close(), carolBrowser?.close()]);
  await demo?.stop();
});

const poll = { timeout: 15_000 };

/** The React call panel (useCall): its state attribute, or null while there is no call. */
const reactCall = (page: Page) =>
  page.evaluate(
    () => document.querySelector('section.active-call')?.getAttribute('data-call-state') ?? null,
  );

describe('examples/react-crm', () => {
  it('alice calls carol from the React page: carol rings, answers, both hear; then carol calls back and alice answers in React', async () => {
    const alice = await openExample(aliceBrowser, demo.url, '/react-crm/?user=alice');
    const errors: string[] = [];
    alice.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

    // useSynapse(): who is signed in, from the token.
    await expect.poll(() => alice.locator('.me').textContent(), poll).toContain('Alice Adams');
    // usePresence(): carol is offline until her portal connects, then available.
    const carolDot = alice.locator('[data-presence="carol"]');
    await expect.poll(() => carolDot.getAttribute('data-status'), poll).toBe('offline');
    const carol = await openExample(carolBrowser, demo.url, '/customer-portal/?user=carol');
    await expect.poll(() => carolDot.getAttribute('data-status'), poll).toBe('online');

    // The element places the call; its onsynapse-call-state prop feeds React state.
    const toCarol = await callButton(alice, 'carol');
    await expect.poll(() => toCarol.button.isEnabled(), poll).toBe(true);
    await toCarol.button.click();
    await expect.poll(() => reactCall(alice), poll).toBe('ringing');
    const accept = carol.locator('synapse-incoming-call button[part="accept"]');
    await accept.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await carol.locator('synapse-incoming-call [part="caller"]').textContent()).toContain(
      'Alice',
    );
    await accept.click();
    await expect.poll(() => reactCall(alice), poll).toBe('active');
    expect(await alice.locator('section.active-call strong').textContent()).toBe('Carol Chen');
    await expect.poll(() => hearsOnExample(alice, CAROL_HZ), poll).toBe(true);
    await expect.poll(() => hearsOnExample(carol, ALICE_HZ), poll).toBe(true);
    await expect
      .poll(() => alice.locator('.activity').textContent(), poll)
      .toContain('Carol Chen: active');

    // useCall(): Alice hangs up with the React button; the portal's call closes too.
    await alice.locator('section.active-call button', { hasText: 'Hang up' }).click();
    await carol.locator('synapse-active-call button[part="end"]').waitFor({ state: 'hidden' });
    await expect.poll(() => reactCall(alice), poll).toBe(null);
    await expect.poll(() => firstHistoryItem(alice).outcome(), poll).toBe('completed');

    // useIncomingCalls(): carol calls back; Alice answers in the React prompt.
    const toAlice = await callButton(carol, 'alice');
    await expect.poll(() => toAlice.button.isEnabled(), poll).toBe(true);
    await toAlice.button.click();
    const prompt = alice.locator('[data-incoming="carol"]');
    await prompt.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await prompt.textContent()).toContain('Carol Chen is calling');
    await prompt.locator('button', { hasText: 'Answer' }).click();
    await expect.poll(() => reactCall(alice), poll).toBe('active');
    await expect.poll(() => hearsOnExample(alice, CAROL_HZ), poll).toBe(true);
    await carol.locator('synapse-active-call button[part="end"]').click();
    await expect.poll(() => reactCall(alice), poll).toBe(null);
    await expect.poll(() => firstHistoryItem(alice).direction(), poll).toBe('incoming');

    expect(errors).toEqual([]);
    await Promise.all([alice.context().close(), carol.context().close()]);
  }, 120_000);
});
