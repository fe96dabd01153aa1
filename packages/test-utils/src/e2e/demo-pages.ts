import type { Browser, Page } from 'playwright-core';
import { heardTone, probeTone } from '../media/audio-probe';

/**
 * Drives the demo pages the way a person does: sign in from the landing page, click call
 * buttons, accept from the incoming-call dialog. Selectors pierce the elements' open shadow roots.
 */
export async function signIn(browser: Browser, baseUrl: string, userId: string): Promise<Page> {
  const context = await browser.newContext({
    permissions: ['microphone'],
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${userId} page error]`, err));
  await page.goto(`${baseUrl}/`);
  await page.click(`#sign-in-${userId}`);
  await page.waitForFunction(
    () =>
      document.querySelector('synapse-calling')?.getAttribute('connection-state') === 'connected',
    undefined,
    { timeout: 20_000 },
  );
  return page;
}

/** The call button's state attribute (`idle`, `ringing`, `active`, …) and whether it is usable. */
export async function callButton(page: Page, userId: string) {
  const host = page.locator(`synapse-call-button[user-id="${userId}"]`).first();
  return {
    host,
    button: host.locator('button[part="button"]'),
    state: () => host.getAttribute('state'),
  };
}

/**
 * Listens to the page's current call's remote audio and tells whether `hz` is the tone heard.
 * The stream comes from the client `<synapse-calling>` provides (the public `client` property).
 */
export async function hears(page: Page, hz: number): Promise<boolean> {
  const probe = await page.evaluate(
    async ([src, freq]) => {
      const probeFn = new Function(`return (${src})`)() as typeof probeTone;
      type Live = { remoteStream: MediaStream | null };
      const calling = document.querySelector('synapse-calling') as unknown as {
        client?: { calls: { active: Live | null } };
      };
      const deadline = Date.now() + 10_000;
      let stream = calling.client?.calls.active?.remoteStream;
      while (!stream && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        stream = calling.client?.calls.active?.remoteStream;
      }
      if (!stream) return null;
      return probeFn(stream, freq);
    },
    [probeTone.toString(), hz] as const,
  );
  return probe !== null && heardTone(probe, hz);
}

/** Polls `hears` — audio takes a moment to start after `active`. */
export async function waitToHear(page: Page, hz: number, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await hears(page, hz)) return true;
  }
  return false;
}
