/**
 * The one-file bundle: a plain page that loads only `dist/synapse-elements.js` with a
 * `<script type="module">` defines every tag, connects to a real server and renders, and does
 * not fetch livekit-client until a LiveKit call needs it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAGS as ELEMENT_CLASSES } from '@synapse-calling/elements';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import { startTestServer, type TestServer } from '@synapse-calling/test-utils/server';

const packageDir = fileURLToPath(new URL('../../packages/elements/', import.meta.url));
const dist = join(packageDir, 'dist');
// Importing the elements in Node defines nothing (SSR-safe); only the tag list is read.
const TAGS = Object.keys(ELEMENT_CLASSES);

let synapse: TestServer;
let site: Server;
let siteUrl: string;
let browser: Browser;

/** Serves dist/ and one HTML page (the page gets the server URL and token in its query). */
function serveDist(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/') {
      res.setHeader('content-type', 'text/html');
      res.end(page(url.searchParams.get('server') ?? '', url.searchParams.get('token') ?? ''));
      return;
    }
    const file = normalize(join(dist, url.pathname));
    if (!file.startsWith(dist) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', extname(file) === '.js' ? 'text/javascript' : 'application/json');
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function page(server: string, token: string): string {
  const attr = (s: string) => s.replace(/[&"<]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en">
  <head><title>Bundle</title><script type="module" src="/synapse-elements.js"></script></head>
  <body>
    <synapse-calling server="${attr(server)}" token="${attr(token)}">
      <synapse-call-button user-id="cust-1" name="Carl"></synapse-call-button>
      <synapse-presence user-id="cust-1"></synapse-presence>
      <synapse-call-history></synapse-call-history>
    </synapse-calling>
    <synapse-incoming-call></synapse-incoming-call>
    <synapse-active-call></synapse-active-call>
  </body>
</html>`;
}

beforeAll(async () => {
  if (!existsSync(join(dist, 'synapse-elements.js'))) {
    // Build once if nobody has (the root `npm test` builds before testing).
    execFileSync('npx', ['tsup'], { cwd: packageDir, stdio: 'inherit' });
  }
  synapse = await startTestServer();
  site = await serveDist();
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await synapse?.close();
});

describe('dist/synapse-elements.js', () => {
  it('defines and renders every tag from one script tag, with livekit-client left lazy', async () => {
    const tenant = `bundle-${Date.now()}`;
    // Carl is online (a plain Socket.IO client), so Ada's button must become callable.
    await synapse.connect({ sub: 'cust-1', tenant, role: 'customer', name: 'Carl' });
    const token = await synapse.mintToken({ sub: 'agent-1', tenant, role: 'agent', name: 'Ada' });
    const context = await browser.newContext({ permissions: ['microphone'] });
    const pageHandle = await context.newPage();
    const requested: string[] = [];
    pageHandle.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const errors: string[] = [];
    pageHandle.on('pageerror', (e) => errors.push(e.message));
    const query = new URLSearchParams({ server: synapse.url, token });
    await pageHandle.goto(`${siteUrl}/?${query}`);

    const defined = await pageHandle.evaluate(async (tags) => {
      await Promise.all(tags.map((t) => customElements.whenDefined(t)));
      return tags.filter((t) => customElements.get(t) !== undefined);
    }, TAGS);
    expect(defined).toEqual(TAGS);

    // Connected through the bundled sdk-core and socket.io-client; presence arrived.
    await pageHandle.waitForFunction(
      () => document.querySelector('synapse-call-button')?.getAttribute('state') === 'idle',
      undefined,
      { timeout: 20_000 },
    );
    const rendered = await pageHandle.evaluate(() => ({
      calling: document.querySelector('synapse-calling')?.getAttribute('connection-state'),
      button: document
        .querySelector('synapse-call-button')
        ?.shadowRoot?.querySelector('button')
        ?.textContent?.replace(/\s+/g, ' ')
        .trim(),
      presence: document
        .querySelector('synapse-presence')
        ?.shadowRoot?.querySelector('[part=label]')
        ?.textContent?.trim(),
      history: !!document.querySelector('synapse-call-history')?.shadowRoot,
      builtIn: !!document
        .querySelector('synapse-calling')
        ?.shadowRoot?.querySelector('synapse-incoming-call'),
    }));
    expect(rendered).toEqual({
      calling: 'connected',
      button: 'Call Carl',
      presence: 'Online',
      history: true,
      builtIn: true,
    });
    expect(errors).toEqual([]);
    expect(requested.filter((p) => p.endsWith('.js'))).not.toContainEqual(
      expect.stringContaining('livekit'),
    );
    await context.close();
  }, 60_000);
});
