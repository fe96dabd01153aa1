import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { RoomServiceClient } from 'livekit-server-sdk';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '../browser/chromium';
import { startDemo, type RunningDemo } from './demo';
import { collectConsole, hangUpAll, installProbes, waitConnected } from './e2e-pages';
import { startLiveKit, type LiveKitServer } from '../server/livekit';
import { freePort } from '../server/ports';
import { TEST_METRICS_TOKEN } from '../server/server';

/** How the demo carries audio: peer-to-peer WebRTC, or through a real LiveKit SFU. */
export type MediaMode = 'p2p' | 'livekit';

/** Each side's fake microphone plays its own tone, so "hears" proves the direction. */
export const AGENT_HZ = 440;
export const CUSTOMER_HZ = 880;

/** The demo's users (examples/demo-users.mjs) and which browser (tone) each one sits at. */
const AGENTS = new Set(['alice', 'bob', 'gus', 'erin']);

/**
 * Shortened server timers, so the missed/disconnected scenarios take seconds, not minutes.
 * The reconnect grace must still cover a page reload on a busy two-core machine.
 */
export const E2E_TIMERS = {
  ringTimeoutMs: 5_000,
  reconnectGraceMs: 5_000,
  presenceGraceMs: 1_000,
};

export interface Rig {
  mode: MediaMode;
  demo: RunningDemo;
  /** Set in LiveKit mode. */
  livekit: LiveKitServer | undefined;
  /** LiveKit's server API (LiveKit mode only). */
  rooms: RoomServiceClient | undefined;
  /**
   * Signs `userId` in, in a fresh browser context of the browser whose microphone matches the
   * role. `beforeLoad` runs on the new context before its page loads (e.g. more init scripts).
   */
  open(
    userId: string,
    options?: { beforeLoad?: (context: BrowserContext) => Promise<void> },
  ): Promise<Page>;
  /** A page of the demo's origin with nobody signed in (a stranger's browser). */
  stranger(): Promise<Page>;
  /** Opens the same page again in a second tab of `page`'s context (same user, same cookies). */
  openTab(page: Page): Promise<Page>;
  /** Closes every context opened since the last call (one scenario's pages). */
  closeContexts(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts what one end-to-end file needs: the demo (P2P, or with a real livekit-server whose
 * webhooks point at the demo), and two Chromium processes — agents speak 440 Hz, customers
 * 880 Hz. Browsers are reused across scenarios; every scenario gets fresh contexts.
 */
export async function startRig(
  mode: MediaMode,
  {
    env: extraEnv = {},
    tones = {},
  }: {
    env?: Record<string, string>;
    /**
     * Users who sit at a browser of their own whose microphone plays this tone (Hz), e.g. a
     * second agent whose voice must be told from the first one's (a transfer).
     */
    tones?: Record<string, number>;
  } = {},
): Promise<Rig> {
  const env: Record<string, string> = {
    SYNAPSE_RING_TIMEOUT_MS: String(E2E_TIMERS.ringTimeoutMs),
    SYNAPSE_RECONNECT_GRACE_MS: String(E2E_TIMERS.reconnectGraceMs),
    SYNAPSE_PRESENCE_GRACE_MS: String(E2E_TIMERS.presenceGraceMs),
    // The scenarios read the demo's webhook counts from /metrics, served only with a token.
    SYNAPSE_METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...extraEnv,
  };
  let livekit: LiveKitServer | undefined;
  let rooms: RoomServiceClient | undefined;
  if (mode === 'livekit') {
    // The demo's port must be known before LiveKit starts, since LiveKit's webhooks name it.
    const port = await freePort();
    livekit = await startLiveKit({
      webhookUrls: [`http://127.0.0.1:${port}/api/livekit/webhook`],
    });
    Object.assign(env, {
      PORT: String(port),
      LIVEKIT_URL: livekit.wsUrl,
      LIVEKIT_API_KEY: livekit.apiKey,
      LIVEKIT_API_SECRET: livekit.apiSecret,
    });
    rooms = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
  }
  let demo: RunningDemo;
  try {
    demo = await startDemo(env);
  } catch (err) {
    await livekit?.stop();
    throw err;
  }
  // A server that dies mid-file would only show up as refused connections; say why instead.
  let stopping = false;
  demo.process.once('exit', (code, signal) => {
    if (!stopping) {
      console.error(
        `[e2e ${mode}] the demo exited (${code ?? signal}):\n${demo.output().slice(-4000)}`,
      );
    }
  });
  const elements = snapshotElements();
  const [agentBrowser, customerBrowser] = await Promise.all([
    launchChromium({ toneHz: AGENT_HZ }),
    launchChromium({ toneHz: CUSTOMER_HZ }),
  ]);
  const contexts: BrowserContext[] = [];
  /** The browsers of `tones`, one per tone, launched when first needed. */
  const toneBrowsers = new Map<number, Promise<Browser>>();
  const browserFor = async (userId: string): Promise<Browser> => {
    const hz = tones[userId];
    if (hz === undefined) return AGENTS.has(userId) ? agentBrowser : customerBrowser;
    let browser = toneBrowsers.get(hz);
    if (!browser) toneBrowsers.set(hz, (browser = launchChromium({ toneHz: hz })));
    return browser;
  };

  return {
    mode,
    demo,
    livekit,
    rooms,
    async open(userId, options) {
      const context = await (
        await browserFor(userId)
      ).newContext({
        permissions: ['microphone'],
        viewport: { width: 1280, height: 800 },
      });
      contexts.push(context);
      await installProbes(context);
      await options?.beforeLoad?.(context);
      await context.route(`${demo.url}/elements/**`, (route) => serveElements(route, elements));
      const page = await context.newPage();
      collectConsole(page, userId);
      await page.goto(`${demo.url}/`);
      await page.click(`#sign-in-${userId}`);
      await waitConnected(page);
      return page;
    },
    async stranger() {
      const context = await customerBrowser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${demo.url}/`);
      return page;
    },
    async openTab(page) {
      const tab = await page.context().newPage();
      collectConsole(tab, 'tab');
      await tab.goto(page.url());
      await waitConnected(tab);
      return tab;
    },
    async closeContexts() {
      // Hang up first: the server keeps a call whose pages vanish for its reconnect grace, and
      // the next scenario's fresh pages of the same users would resume it (as a reload does).
      const pages = contexts.flatMap((c) => c.pages());
      await Promise.all(pages.map((p) => hangUpAll(p).catch(() => undefined)));
      await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
    },
    async stop() {
      stopping = true;
      await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
      const extra = await Promise.all(toneBrowsers.values());
      await Promise.all([agentBrowser, customerBrowser, ...extra].map((b) => b.close()));
      await demo.stop();
      await livekit?.stop();
      rmSync(elements, { recursive: true, force: true });
    },
  };
}

const ELEMENTS_DIST = resolve(import.meta.dirname, '../../../elements/dist');

/**
 * A copy of the elements bundle as it was when the file started. The demo serves
 * packages/elements/dist live, and on a shared machine someone's `npm run build` empties and
 * rewrites it for a few seconds; a page loaded in that window would 404 its bundle.
 */
function snapshotElements(): string {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-e2e-elements-'));
  cpSync(ELEMENTS_DIST, dir, { recursive: true });
  return dir;
}

/**
 * The demo's own answer for `/elements/…`, except when the live dist is missing the file (a
 * rebuild in progress): then the same file from the snapshot taken at the start.
 */
async function serveElements(route: Route, snapshot: string): Promise<void> {
  const response = await route.fetch().catch(() => null);
  if (response?.ok()) return route.fulfill({ response });
  const file = join(snapshot, new URL(route.request().url()).pathname.replace(/^\/elements\//, ''));
  if (file.startsWith(snapshot) && existsSync(file)) {
    return route.fulfill({ path: file, contentType: 'text/javascript' });
  }
  if (response) return route.fulfill({ response });
  return route.abort();
}

/**
 * One rig per `describe`: started before its tests, each scenario's pages closed after it, stopped
 * at the end. The returned rig may be used only inside the tests (it exists from `beforeAll` on).
 */
export function useRig(mode: MediaMode, options?: Parameters<typeof startRig>[1]): Rig {
  let rig: Rig | undefined;
  beforeAll(async () => {
    rig = await startRig(mode, options);
  }, 90_000);
  afterEach(async () => {
    await rig?.closeContexts();
  });
  afterAll(async () => {
    await rig?.stop();
  });
  return new Proxy({} as Rig, {
    get(_target, key) {
      if (!rig) throw new Error('the rig starts in beforeAll: use it inside a test');
      return Reflect.get(rig, key);
    },
  });
}

export const SETUP_TIMES_FILE = resolve(
  import.meta.dirname,
  '../../../../bench/results/e2e-setup-times.json',
);

/**
 * Merges one mode's measurements into bench/results/e2e-setup-times.json. Both mode files run in
 * parallel, so the read-modify-write holds a lock (an atomic mkdir) for its few milliseconds.
 */
export async function recordSetupTimes(mode: MediaMode, entry: unknown): Promise<void> {
  mkdirSync(dirname(SETUP_TIMES_FILE), { recursive: true });
  const lock = `${SETUP_TIMES_FILE}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(readFileSync(SETUP_TIMES_FILE, 'utf8')) as Record<string, unknown>;
    } catch {
      // First run, or an unreadable file: start over.
    }
    all[mode] = entry;
    writeFileSync(SETUP_TIMES_FILE, `${JSON.stringify(all, null, 2)}\n`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
