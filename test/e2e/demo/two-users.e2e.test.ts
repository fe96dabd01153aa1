import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import { startDemo, type RunningDemo } from '@synapse-calling/test-utils/e2e/demo';
import { callButton, signIn, waitToHear } from '@synapse-calling/test-utils/e2e/demo-pages';

// Each person's fake microphone plays a different tone, so "hears" proves the direction.
const ALICE_HZ = 440;
const CAROL_HZ = 880;

// The README's screenshots are taken here, from the real demo, so they never go stale
// (`npm run screenshots` runs just this file).
const IMAGES = resolve(import.meta.dirname, '../../../docs/images');
mkdirSync(IMAGES, { recursive: true });
const shot = (name: string) => resolve(IMAGES, `${name}.png`);

let demo: RunningDemo;
let aliceBrowser: Browser;
let carolBrowser: Browser;

beforeAll(async () => {
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

describe('the demo, as two people use it', () => {
  it('alice sees carol online, calls her, they hear each other, hang up, both histories show it; globex sees none of it', async () => {
    const alice = await signIn(aliceBrowser, demo.url, 'alice');
    const carol = await signIn(carolBrowser, demo.url, 'carol');

    // Carol is online on alice's CRM page: her call button is enabled.
    const toCarol = await callButton(alice, 'carol');
    await expect.poll(() => toCarol.button.isEnabled(), { timeout: 15_000 }).toBe(true);
    await alice.screenshot({ path: shot('crm-agent') });

    await toCarol.button.click();
    await expect.poll(() => toCarol.state(), { timeout: 10_000 }).toBe('calling');

    // Carol's portal rings; she accepts from the dialog.
    const accept = carol.locator('synapse-incoming-call button[part="accept"]');
    await accept.waitFor({ state: 'visible', timeout: 15_000 });
    await expect(
      carol.locator('synapse-incoming-call [part="caller"]').textContent(),
    ).resolves.toContain('Alice');
    await carol.screenshot({ path: shot('incoming-call') });
    await accept.click();

    await expect.poll(() => toCarol.state(), { timeout: 15_000 }).toBe('in-call');
    await carol.locator('synapse-active-call button[part="end"]').waitFor({ timeout: 15_000 });

    expect(await waitToHear(alice, CAROL_HZ)).toBe(true);
    expect(await waitToHear(carol, ALICE_HZ)).toBe(true);

    // Alice records the call: both panels say so (the screenshot shows the notice).
    await alice.locator('synapse-active-call button[part="record"]').click();
    for (const page of [alice, carol]) {
      await page
        .locator('synapse-active-call [part="recording-notice"]')
        .waitFor({ state: 'visible', timeout: 15_000 });
    }
    await alice.screenshot({ path: shot('active-call') });

    // Alice shares her screen from the panel's button: Carol's panel grows into the video
    // layout, shows it and announces it; stopping brings back the compact audio panel.
    const share = alice.locator('synapse-active-call button[part="share-screen"]');
    await share.click();
    await expect.poll(() => share.getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('true');
    const carolPanel = carol.locator('synapse-active-call');
    const screen = carolPanel.locator('synapse-video-stage video[part="screen"]');
    await expect
      .poll(() => screen.evaluate((v) => (v as HTMLVideoElement).videoWidth), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect(carolPanel.locator('[part="video-status"]').textContent()).resolves.toBe(
      'Alice Adams is sharing their screen',
    );
    await carol.screenshot({ path: shot('screen-share') });
    await share.click();
    await expect
      .poll(() => carolPanel.evaluate((el) => el.hasAttribute('video')), { timeout: 15_000 })
      .toBe(false);

    // Alice hangs up from her active-call panel.
    await alice.locator('synapse-active-call button[part="end"]').click();
    await expect.poll(() => toCarol.state(), { timeout: 10_000 }).not.toBe('in-call');

    // Both histories show the completed call.
    for (const [page, peer] of [
      [alice, 'Carol'],
      [carol, 'Alice'],
    ] as const) {
      const item = page.locator('synapse-call-history li[part="item"]').first();
      await expect
        .poll(() => item.getAttribute('data-outcome'), { timeout: 15_000 })
        .toBe('completed');
      expect(await item.locator('[part="peer"]').textContent()).toContain(peer);
    }

    // A globex agent's CRM lists only globex people, and the server would not reveal acme anyway.
    const erin = await signIn(carolBrowser, demo.url, 'erin');
    const rows = await erin
      .locator('#contacts tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.userId));
    expect(rows).toEqual(['frank']);
    const erinHistory = erin.locator('synapse-call-history');
    await expect
      .poll(() => erinHistory.locator('[part="empty"]').count(), { timeout: 10_000 })
      .toBe(1);
    const probe = await erin.evaluate(async () => {
      const calling = document.querySelector('synapse-calling') as unknown as {
        client: {
          presence: { watch(ids: string[], l: (p: { status: string }) => void): () => void };
        };
      };
      return new Promise<string>((resolve) => {
        calling.client.presence.watch(['alice'], (p) => resolve(p.status));
      });
    });
    expect(probe).toBe('offline');
  });
});
