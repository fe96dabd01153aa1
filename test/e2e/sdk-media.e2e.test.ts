import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, relative, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@synapse-calling/test-utils/browser/chromium';
import {
  startLiveKit,
  type LiveKitServer,
  startTestServer,
  type TestServer,
  waitFor,
} from '@synapse-calling/test-utils/server';
import type {} from '@synapse-calling/test-utils/media/media-e2e-page';

// LiveKit is the primary media path: two real Chromiums (440 Hz and 880 Hz fake microphones, so
// each direction is told apart) call each other through the reference server and a real
// livekit-server --dev, from a page bundled the way an app would bundle the SDK.

let lk: LiveKitServer;
let server: TestServer;
/** A second reference server without LiveKit: P2P media. */
let p2pServer: TestServer;
let http: Server;
let origin: string;
let outdir: string;
/** The output file(s) holding livekit-client's code. */
let livekitChunks: string[] = [];
const browsers: Browser[] = [];

beforeAll(async () => {
  lk = await startLiveKit();
  server = await startTestServer({
    livekit: { url: lk.wsUrl, apiKey: lk.apiKey, apiSecret: lk.apiSecret },
  });
  p2pServer = await startTestServer();
  outdir = await mkdtemp(join(tmpdir(), 'synapse-e2e-'));
  const result = await build({
    entryPoints: [
      resolve(import.meta.dirname, '../../packages/test-utils/src/media/media-e2e-page.ts'),
    ],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    metafile: true,
    logLevel: 'silent',
  });
  livekitChunks = Object.entries(result.metafile.outputs)
    .filter(([, out]) =>
      Object.keys(out.inputs).some((i) => i.includes('node_modules/livekit-client/')),
    )
    .map(([file]) => `/${relative(outdir, resolve(file))}`);
  http = createServer(async (req, res) => {
    const path = req.url === '/' ? '/index.html' : (req.url ?? '/');
    if (path === '/index.html') {
      res.setHeader('content-type', 'text/html');
      res.end(
        '<!doctype html><title>e2e</title><script type="module" src="/media-e2e-page.js"></script>',
      );
      return;
    }
    try {
      const body = await readFile(join(outdir, path.replace(/^\/+/, '')));
      res.setHeader('content-type', extname(path) === '.js' ? 'text/javascript' : 'text/plain');
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await new Promise((r) => http?.close(r));
  await server?.close();
  await p2pServer?.close();
  await lk?.stop();
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

async function openPage(toneHz: number): Promise<{ page: Page; requests: string[] }> {
  const browser = await launchChromium({ toneHz });
  browsers.push(browser);
  const context = await browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(origin);
  await page.waitForFunction(() => typeof window.harness === 'object');
  return { page, requests };
}

/** `remoteAudioLevel` while a tone plays is well above this; silence is well below the next. */
const TONE_LEVEL = 0.05;
const SILENCE_LEVEL = 0.01;

/** Polls the page's current call until its remote level is above/below `threshold`. */
async function waitForLevel(page: Page, side: 'above' | 'below', threshold: number) {
  await page.waitForFunction(
    ([above, t]) => {
      const level = window.media.remoteLevel();
      return level !== null && (above ? level > t : level < t);
    },
    [side === 'above', threshold] as const,
    { timeout: 30_000, polling: 100 },
  );
}

const loadedLiveKit = (requests: string[]) => requests.some((r) => livekitChunks.includes(r));

describe('LiveKit calls between two Chromiums', () => {
  it('carries each side’s tone to the other, mutes, and loads livekit-client only once a call rings', async () => {
    expect(livekitChunks.length).toBeGreaterThan(0); // the bundler split it out
    const a = await openPage(440);
    const b = await openPage(880);
    const [aliceToken, bobToken] = await Promise.all([
      server.mintToken({ sub: 'alice', tenant: 'acme', role: 'agent' }),
      server.mintToken({ sub: 'bob', tenant: 'acme', role: 'agent' }),
    ]);
    await a.page.evaluate(([u, t]) => window.harness.connect(u, t), [server.url, aliceToken]);
    await b.page.evaluate(([u, t]) => window.harness.connect(u, t), [server.url, bobToken]);
    // A page with presence and a call button, connected and showing a status: no LiveKit yet.
    expect(await a.page.evaluate(() => window.harness.watch('bob'))).toBe('online');
    expect(loadedLiveKit(a.requests)).toBe(false);
    expect(loadedLiveKit(b.requests)).toBe(false);

    const placing = a.page.evaluate(() => window.harness.call('bob'));
    // The ring says the call goes through LiveKit (`mediaKind`): both pages fetch the chunk
    // while it rings, so accept does not wait for it.
    await waitFor(() => loadedLiveKit(a.requests) && loadedLiveKit(b.requests), {
      what: 'livekit-client fetched while ringing',
    });
    await Promise.all([placing, b.page.evaluate(() => window.harness.accept())]);
    expect(await a.page.evaluate(() => window.harness.mediaKind())).toBe('livekit');
    expect(loadedLiveKit(a.requests)).toBe(true);
    expect(loadedLiveKit(b.requests)).toBe(true);

    // Alice hears Bob's 880 Hz, Bob hears Alice's 440 Hz.
    expect(await a.page.evaluate(() => window.harness.hears(880))).toBe(true);
    expect(await b.page.evaluate(() => window.harness.hears(440))).toBe(true);
    // …and not their own tone: the audio really crossed over.
    expect(await a.page.evaluate(() => window.harness.hears(440, true, 2))).toBe(false);

    // LiveKit reports a connection quality for the call (on localhost it soon stops being
    // 'unknown'), and Bob's level meter shows Alice's tone while it plays.
    for (const { page } of [a, b]) {
      const quality = await page.waitForFunction(
        () => {
          const q = window.media.quality();
          return q !== 'unknown' && q;
        },
        undefined,
        { timeout: 30_000, polling: 250 },
      );
      expect(['excellent', 'good', 'poor', 'lost']).toContain(await quality.jsonValue());
    }
    await waitForLevel(b.page, 'above', TONE_LEVEL);
    expect(await b.page.evaluate(() => window.media.speaking())).toBe(true);

    await a.page.evaluate(() => window.harness.mute(true));
    expect(await b.page.evaluate(() => window.harness.hears(440, false))).toBe(false);
    // Muted, Alice's tone leaves Bob's level meter, and comes back with her unmute.
    await waitForLevel(b.page, 'below', SILENCE_LEVEL);
    await a.page.evaluate(() => window.harness.mute(false));
    expect(await b.page.evaluate(() => window.harness.hears(440))).toBe(true);
    await waitForLevel(b.page, 'above', TONE_LEVEL);

    expect(await a.page.evaluate(() => window.harness.end())).toBe('completed');
  }, 180_000);
});

describe('P2P calls between two Chromiums', () => {
  it('carries 440 Hz one way and 880 Hz the other, without ever loading livekit-client', async () => {
    const a = await openPage(440);
    const b = await openPage(880);
    const [aliceToken, bobToken] = await Promise.all([
      p2pServer.mintToken({ sub: 'ann', tenant: 'acme', role: 'agent' }),
      p2pServer.mintToken({ sub: 'ben', tenant: 'acme', role: 'customer' }),
    ]);
    await a.page.evaluate(([u, t]) => window.harness.connect(u, t), [p2pServer.url, aliceToken]);
    await b.page.evaluate(([u, t]) => window.harness.connect(u, t), [p2pServer.url, bobToken]);
    await Promise.all([
      a.page.evaluate(() => window.harness.call('ben')),
      b.page.evaluate(() => window.harness.accept()),
    ]);
    expect(await a.page.evaluate(() => window.harness.mediaKind())).toBe('p2p');
    expect(await a.page.evaluate(() => window.harness.hears(880))).toBe(true);
    expect(await b.page.evaluate(() => window.harness.hears(440))).toBe(true);
    expect(await b.page.evaluate(() => window.harness.hears(880, true, 2))).toBe(false);
    expect(loadedLiveKit(a.requests)).toBe(false);
    expect(loadedLiveKit(b.requests)).toBe(false);
    expect(await b.page.evaluate(() => window.harness.end())).toBe('completed');
  }, 180_000);
});
