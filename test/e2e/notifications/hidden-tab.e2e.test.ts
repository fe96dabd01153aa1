import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import {
  activeCall,
  hangUpAll,
  waitConnected,
  incomingUi,
  rings,
  sdkState,
} from '@synapse-calling/test-utils/e2e/e2e-pages';
import {
  CAROL_PORTAL,
  eventually,
  axeViolations,
  callFromCrm,
  clickNotification,
  registerWorker,
  shownNotifications,
  startNotificationRig,
  type NotificationRig,
} from '@synapse-calling/test-utils/e2e/notifications';

/**
 * A tab in the background: Carol's portal behind another tab (hidden, its timers throttled),
 * then frozen and resumed through CDP's page lifecycle, as browsers do with background tabs.
 */
let rig: NotificationRig;
const PORTAL = CAROL_PORTAL;

beforeAll(async () => {
  rig = await startNotificationRig(1000);
  const page = await rig.customerPage(PORTAL);
  await registerWorker(page);
  await page.close();
}, 120_000);

afterEach(() => rig?.reset());
afterAll(() => rig?.stop());

/** Carol's portal, loaded under the worker with notifications allowed, then sent behind a tab. */
async function carolInBackground(): Promise<{ carol: Page; front: Page }> {
  const carol = await rig.customerPage(PORTAL);
  // The demo turns `notify` on once notifications are allowed (they are, in this browser).
  await carol.waitForFunction(() =>
    document.querySelector('synapse-calling')?.hasAttribute('notify'),
  );
  const front = await rig.customer.hide(carol);
  return { carol, front };
}

const placeCall = (alice: Page) => callFromCrm(alice, 'carol');

/** The page's own record of what happened when, for asserting an order rather than a time. */
async function recordLifecycle(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __events: Array<{ e: string; t: number }> };
    w.__events = [];
    const note = (e: string) => w.__events.push({ e, t: performance.now() });
    const calling = document.querySelector('synapse-calling') as unknown as {
      client: {
        on(e: 'protocolMessage', l: (m: { direction: string; event: string }) => void): void;
        on(e: 'incomingCall' | 'callEnded', l: () => void): void;
        on(e: 'connectionStateChanged', l: (state: string) => void): void;
      };
    };
    // Captured on the window: noted before the page's own listeners on the document run.
    window.addEventListener('freeze', () => note('freeze'), { capture: true });
    window.addEventListener('resume', () => note('resume'), { capture: true });
    calling.client.on('protocolMessage', (m) => note(`${m.direction} ${m.event}`));
    calling.client.on('incomingCall', () => note('incomingCall'));
    calling.client.on('callEnded', () => note('callEnded'));
    calling.client.on('connectionStateChanged', (state) => note(`state ${state}`));
  });
}

async function lifecycleLog(page: Page): Promise<{ names: string[]; at: (e: string) => number }> {
  const log = await page.evaluate(
    () => (window as unknown as { __events: Array<{ e: string; t: number }> }).__events,
  );
  const names = log.map((x) => x.e);
  return { names, at: (e) => log.find((x) => x.e === e)?.t ?? NaN };
}

/**
 * What the page did after it was frozen, in this order: it ran again (`resume`), at once asked
 * the server for its calls (`sync`, before anything else — here Chromium also drops the socket
 * of a frozen page, and the reconnect syncs again), and then showed `shown`; the sync within a
 * second of resuming (asserted generously: 3 s).
 */
function expectResynced(log: { names: string[]; at: (e: string) => number }, shown: string) {
  const { names, at } = log;
  const order = names.join(', ');
  const resumed = names.indexOf('resume');
  expect(names.indexOf('freeze'), order).toBeGreaterThanOrEqual(0);
  expect(resumed, order).toBeGreaterThan(names.indexOf('freeze'));
  expect(names[resumed + 1], order).toBe('out sync');
  expect(names.indexOf(shown, resumed), order).toBeGreaterThan(resumed + 1);
  expect(at('out sync') - at('resume'), order).toBeLessThan(3_000);
}

describe('a call ringing in a background tab', () => {
  it('rings the hidden tab, with a notification, tab title and icon badge, all gone when the caller cancels', async () => {
    const { carol, front } = await carolInBackground();
    expect(await carol.evaluate(() => [document.visibilityState, document.hasFocus()])).toEqual([
      'hidden',
      false,
    ]);
    const title = await carol.title();
    const alice = await rig.agent('alice');
    try {
      const callId = await placeCall(alice);

      await eventually(() => shownNotifications(rig.customer.context)).toEqual([
        {
          title: 'Incoming call',
          body: 'Alice Adams is calling · Agent',
          tag: `synapse-call-${callId}`,
          actions: ['accept', 'decline'],
        },
      ]);
      expect((await rings(carol)).length).toBe(1);
      await eventually(() => carol.title()).toBe('Incoming call — Alice Adams');
      await eventually(() =>
        carol.evaluate(() => document.querySelector('link[rel~="icon"]')?.getAttribute('href')),
      ).toMatch(/^data:image\/png;base64,/);

      await hangUpAll(alice);
      await eventually(() => shownNotifications(rig.customer.context)).toEqual([]);
      await eventually(() => carol.title()).toBe(title);
      expect(
        await carol.evaluate(() =>
          document.querySelector('link[rel~="icon"]')?.getAttribute('href'),
        ),
      ).toBe('data:,');
    } finally {
      await hangUpAll(alice).catch(() => undefined);
      await Promise.all([carol.close(), front.close(), alice.context().close()]);
    }
  });

  it('Accept on the hidden tab’s notification answers the call in that tab', async () => {
    const { carol, front } = await carolInBackground();
    const alice = await rig.agent('alice');
    try {
      const callId = await placeCall(alice);
      const tag = `synapse-call-${callId}`;
      await eventually(async () =>
        (await shownNotifications(rig.customer.context)).map((n) => n.tag),
      ).toEqual([tag]);
      await clickNotification(rig.customer.context, tag, 'accept');
      await eventually(async () => (await activeCall(carol))?.state, { timeout: 20_000 }).toBe(
        'active',
      );
      await eventually(async () => (await activeCall(alice))?.state).toBe('active');
      await eventually(() => shownNotifications(rig.customer.context)).toEqual([]);
    } finally {
      await hangUpAll(alice).catch(() => undefined);
      await Promise.all([carol.close(), front.close(), alice.context().close()]);
    }
  });

  it('a call placed while the tab is frozen rings once it resumes, after a sync', async () => {
    const { carol, front } = await carolInBackground();
    await recordLifecycle(carol);
    await rig.customer.lifecycle(carol, 'frozen');
    const alice = await rig.agent('alice');
    try {
      const callId = await placeCall(alice);
      // Frozen, the page runs nothing: no ring yet, though the server rings it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await rig.customer.lifecycle(carol, 'active');

      await eventually(async () => (await sdkState(carol)).incoming.map((c) => c.id), {
        timeout: 5_000,
      }).toEqual([callId]);
      const log = await lifecycleLog(carol);
      expectResynced(log, 'incomingCall');
      expect(log.names.filter((e) => e === 'incomingCall')).toHaveLength(1);
      expect((await rings(carol)).length).toBe(1);

      // Still a working call: answered from the (now front) tab's prompt.
      await carol.bringToFront();
      await incomingUi(carol).accept.click();
      await eventually(async () => (await activeCall(alice))?.state, { timeout: 20_000 }).toBe(
        'active',
      );
    } finally {
      await hangUpAll(alice).catch(() => undefined);
      await Promise.all([carol.close(), front.close(), alice.context().close()]);
    }
  });

  it('a ringing tab frozen while the caller gives up shows the call ended once it resumes', async () => {
    const { carol, front } = await carolInBackground();
    const alice = await rig.agent('alice');
    try {
      const callId = await placeCall(alice);
      await eventually(async () => (await sdkState(carol)).incoming.length).toBe(1);
      await eventually(async () => (await shownNotifications(rig.customer.context)).length).toBe(1);
      await recordLifecycle(carol);
      await rig.customer.lifecycle(carol, 'frozen');
      await hangUpAll(alice);
      await rig.customer.lifecycle(carol, 'active');

      await eventually(async () => (await sdkState(carol)).lastEnded, {
        timeout: 5_000,
      }).toMatchObject({ id: callId, endReason: 'cancelled' });
      expect((await sdkState(carol)).incoming).toEqual([]);
      expectResynced(await lifecycleLog(carol), 'callEnded');
      await eventually(() => shownNotifications(rig.customer.context)).toEqual([]);
      await eventually(() => carol.title()).not.toMatch(/^Incoming call/);
    } finally {
      await hangUpAll(alice).catch(() => undefined);
      await Promise.all([carol.close(), front.close(), alice.context().close()]);
    }
  });

  it('explains before the browser asks; "Not now" is remembered; a refusal changes nothing else', async () => {
    // Another origin of the same demo, whose notification permission was never asked.
    const origin = rig.demo.url.replace('127.0.0.1', 'localhost');
    const carol = await rig.customer.context.newPage();
    const alice = await rig.agent('alice');
    try {
      await carol.goto(`${origin}${PORTAL}`);
      await waitConnected(carol);
      const incoming = carol.locator('synapse-incoming-call');
      const prompt = incoming.locator('[part="notify-prompt"]');
      await eventually(() => prompt.textContent()).toContain(
        'Get notified of calls while this tab is in the background?',
      );
      expect(await axeViolations(carol, 'synapse-calling')).toEqual([]);
      await incoming.locator('[part="notify-dismiss"]').click();
      await eventually(() => prompt.count()).toBe(0);
      await carol.reload();
      await waitConnected(carol);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await prompt.count()).toBe(0);

      // Asked again (as if never dismissed), the browser asks; here it refuses.
      await carol.evaluate(() => localStorage.clear());
      await carol.reload();
      await waitConnected(carol);
      await incoming.locator('[part="notify-enable"]').click();
      await eventually(() => carol.evaluate(() => Notification.permission)).toBe('denied');
      await eventually(() => prompt.count()).toBe(0);
      const callId = await placeCall(alice);
      await eventually(async () => (await sdkState(carol)).incoming.map((c) => c.id)).toEqual([
        callId,
      ]);
      await expect(incomingUi(carol).caller.textContent()).resolves.toContain('Alice Adams');
    } finally {
      await hangUpAll(alice).catch(() => undefined);
      await Promise.all([carol.close(), alice.context().close()]);
    }
  });
});
