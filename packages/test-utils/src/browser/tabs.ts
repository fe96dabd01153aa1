import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Page,
} from 'playwright-core';
import { CHROMIUM_PATH, HEADLESS_FLAGS, fakeMediaFlags, type LaunchOptions } from './chromium';

/** A Chromium whose pages behave like tabs in one window (see `launchChromiumTabs`). */
export interface ChromiumTabs {
  browser: Browser;
  /** The browser's own context: its pages get none of Playwright's per-page emulation. */
  context: BrowserContext;
  /** Brings a blank tab to the front: `page` becomes hidden and unfocused, as a background tab. */
  hide(page: Page): Promise<Page>;
  /** Freezes a hidden page (CDP `Page.setWebLifecycleState`), or lets a frozen one run again. */
  lifecycle(page: Page, state: 'frozen' | 'active'): Promise<void>;
  close(): Promise<void>;
}

/**
 * Chromium started by hand and driven over CDP (`connectOverCDP` with `noDefaults`), using its
 * default context. Pages Playwright opens in its own contexts all count as visible, focused
 * foreground tabs (Playwright's focus emulation keeps them "captured"); these do not: a page
 * behind the front tab is `hidden`, its timers are throttled, and it can be frozen and resumed
 * — the page lifecycle a real background tab goes through.
 */
export async function launchChromiumTabs(options: LaunchOptions = {}): Promise<ChromiumTabs> {
  const profile = mkdtempSync(join(tmpdir(), 'synapse-tabs-'));
  const child = spawn(
    CHROMIUM_PATH,
    [
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${profile}`,
      ...HEADLESS_FLAGS,
      ...fakeMediaFlags(options.toneHz),
      ...(options.args ?? []),
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${log}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(log);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited with ${code}:\n${log}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  const context = browser.contexts()[0] as BrowserContext;
  const sessions = new WeakMap<Page, CDPSession>();
  const session = async (page: Page) => {
    let cdp = sessions.get(page);
    if (!cdp) sessions.set(page, (cdp = await context.newCDPSession(page)));
    return cdp;
  };
  return {
    browser,
    context,
    async hide(page) {
      const front = await context.newPage();
      await front.bringToFront();
      await page.waitForFunction(() => document.visibilityState === 'hidden');
      return front;
    },
    async lifecycle(page, state) {
      await (await session(page)).send('Page.setWebLifecycleState', { state });
    },
    async close() {
      const exited =
        child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null;
      await browser.close().catch(() => undefined);
      child.kill();
      await exited;
      // Chromium's helper processes may still be writing their last files for a moment.
      for (let attempt = 0; ; attempt++) {
        try {
          rmSync(profile, { recursive: true, force: true });
          return;
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
  };
}
