import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import type { ConsumerProject } from '@synapse-calling/test-utils/packaging/packed';
import { spawnListening, type ListeningChild } from '@synapse-calling/test-utils/packaging/child';
import { installConsumer } from './consumer-project';

// A React 19 app on the installed tarballs (consumer/react), built with Vite for Node and for the
// browser: Node renders it on the server without connecting, and Chromium hydrates the server's
// HTML without a mismatch and then connects to the app's own Synapse server. Its TSX is
// type-checked without skipLibCheck under bundler and node16 with the other consumer files
// (packaging.e2e.test.ts).
let project: ConsumerProject;

beforeAll(async () => {
  project = await installConsumer();
  const vite = join(project.dir, 'node_modules/vite/bin/vite.js');
  const build = (...args: string[]) =>
    project.exec(process.execPath, [vite, 'build', '--config', 'react/vite.config.mjs', ...args]);
  // One after the other: Vite refuses a second build of the same project while one runs.
  await build();
  await build('--ssr');
}, 15 * 60_000);

afterAll(() => project?.remove());

it('CommonJS require() of @synapse-calling/react runs (its .d.cts is in the node16 check)', async () => {
  const { stdout } = await project.exec(process.execPath, [
    '-e',
    "const r = require('@synapse-calling/react'); console.log(typeof r.SynapseProvider, typeof r.useCall)",
  ]);
  expect(stdout.trim()).toBe('function function');
});

describe('React consumer: server render and hydration', () => {
  let server: ListeningChild;
  let browser: Browser;

  beforeAll(async () => {
    server = await spawnListening(process.execPath, ['react/server.mjs'], {
      cwd: project.dir,
      env: {},
      ready: /listening on (http:\/\/\S+)/,
    });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const upgrades = async () =>
    ((await (await fetch(`${server.url}/upgrades`)).json()) as { upgrades: number }).upgrades;

  it('renderToString in Node: the empty state and the elements as tags, no connection', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).toContain('<main data-state="disconnected">');
    expect(html).toContain('data-status="unknown"');
    expect(html).toContain('no call, 0 ringing');
    expect(html).toMatch(/<synapse-call-button user-id="ann" name="Ann"><\/synapse-call-button>/);
    expect(await upgrades()).toBe(0);
  });

  it('hydrates in Chromium without a mismatch, then connects and watches presence', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const messages: string[] = [];
    page.on('console', (m) => {
      // React reports hydration mismatches as errors (Lit's dev build only warns that it is one).
      if (m.type() === 'error') messages.push(m.text());
    });
    page.on('pageerror', (err) => messages.push(String(err)));
    await page.goto(`${server.url}/`);

    await page.waitForSelector('main[data-state="connected"]', { timeout: 20_000 });
    await page.waitForSelector('#who:text("Zoe")');
    // usePresence watched ann once connected: the server answered (offline: she never signed in).
    await page.waitForSelector('#ann[data-status="offline"]', { timeout: 20_000 });
    // The element is defined and upgraded, and got its object prop as a property.
    const button = await page.evaluate(() => {
      const el = document.querySelector('synapse-call-button') as
        (HTMLElement & { metadata?: unknown }) | null;
      return { upgraded: !!el?.shadowRoot, metadata: el?.metadata };
    });
    expect(button).toEqual({ upgraded: true, metadata: { from: 'consumer' } });
    expect(
      await page.evaluate(() => (window as { hydrationErrors?: string[] }).hydrationErrors),
    ).toEqual([]);
    expect(messages).toEqual([]);
    expect(await upgrades()).toBeGreaterThan(0);
    await context.close();
  }, 60_000);
});
