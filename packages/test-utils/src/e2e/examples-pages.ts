import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { heardTone, probeTone } from '../media/audio-probe';

/**
 * Opens one of the example pages directly (`/crm-agent/?user=alice`, `/custom-ui/?user=bob`…) in
 * a fresh context with the microphone allowed, and resolves once its client is connected: the
 * elements pages report it on `<synapse-calling connection-state>`, the custom UI on
 * `#connection[data-state]`.
 */
export async function openExample(
  browser: Browser,
  baseUrl: string,
  path: string,
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await browser.newContext({
    permissions: ['microphone'],
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`[${path} page error]`, err));
  await page.goto(`${baseUrl}${path}`);
  await page.waitForFunction(
    () =>
      (document.querySelector('synapse-calling')?.getAttribute('connection-state') ??
        (document.querySelector('#connection') as HTMLElement | null)?.dataset.state) ===
      'connected',
    undefined,
    { timeout: 20_000 },
  );
  return page;
}

/**
 * Whether the page's current call plays `hz` from the other side. The live call comes from the
 * client the page exposes: `<synapse-calling>.client` on the elements pages, `window.synapseClient`
 * on the custom UI.
 */
export async function hearsOnExample(page: Page, hz: number): Promise<boolean> {
  const probe = await page.evaluate(
    async ([src, freq]) => {
      const probeFn = new Function(`return (${src})`)() as typeof probeTone;
      type Client = { calls: { active: { remoteStream: MediaStream | null } | null } };
      const client = () =>
        (document.querySelector('synapse-calling') as unknown as { client?: Client } | null)
          ?.client ?? (window as unknown as { synapseClient?: Client }).synapseClient;
      const deadline = Date.now() + 10_000;
      let stream = client()?.calls.active?.remoteStream;
      while (!stream && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        stream = client()?.calls.active?.remoteStream;
      }
      if (!stream) return null;
      return probeFn(stream, freq);
    },
    [probeTone.toString(), hz] as const,
  );
  return probe !== null && heardTone(probe, hz);
}

/** The first row of the page's `<synapse-call-history>`, with its data attributes. */
export function firstHistoryItem(page: Page) {
  const item = page.locator('synapse-call-history li[part="item"]').first();
  return {
    item,
    direction: () => item.getAttribute('data-direction'),
    outcome: () => item.getAttribute('data-outcome'),
    peer: () => item.locator('[part="peer"]').textContent(),
  };
}
