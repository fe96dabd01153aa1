import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { IncomingCallPush } from '@synapse-calling/protocol';
import { waitToHear } from '@synapse-calling/test-utils/e2e/demo-pages';
import {
  activeCall,
  diagnose,
  hangUpAll,
  historyRow,
  rings,
  sdkState,
} from '@synapse-calling/test-utils/e2e/e2e-pages';
import { AGENT_HZ, CUSTOMER_HZ } from '@synapse-calling/test-utils/e2e/e2e-rig';
import {
  CAROL_PORTAL,
  eventually,
  callFromCrm,
  clickNotification,
  deliverPush,
  registerPush,
  registerWorker,
  shownNotifications,
  startNotificationRig,
  type NotificationRig,
} from '@synapse-calling/test-utils/e2e/notifications';
import type { StandInSubscription } from '@synapse-calling/test-utils/push';

/**
 * Web Push through the demo in real Chromium: the service worker registered from the demo's
 * origin shows the push the server sent (to a stand-in push service, decrypted there and handed
 * to the worker through CDP), and its Accept and Decline act on the call. Carol's browser has no
 * page of the demo open while her call rings.
 */
let rig: NotificationRig;
let phone: StandInSubscription;
const PORTAL = CAROL_PORTAL;

beforeAll(async () => {
  rig = await startNotificationRig(300);
  // Carol visits her portal once: the worker registers, her browser registers for push.
  const page = await rig.customerPage(PORTAL);
  expect(await registerWorker(page)).toBe(`${rig.demo.url}/`);
  phone = rig.push.subscribe();
  expect(await registerPush(page, 'carol', phone.json, PORTAL)).toBe(204);
  await page.close();
}, 120_000);

afterEach(() => rig?.reset());
afterAll(() => rig?.stop());

/** Alice calls Carol, whose portal is closed, from her CRM; resolves with the push that rang. */
async function aliceCallsCarol(alice: Page): Promise<IncomingCallPush> {
  const call = await callFromCrm(alice, 'carol');
  const push = await rig.push.next(
    (p) =>
      p.subscription === phone && p.message.type === 'incoming-call' && p.message.callId === call,
  );
  await deliverPush(rig.customer.context, rig.demo.url, push);
  return push.message as IncomingCallPush;
}

describe('Web Push in the demo', () => {
  it('shows the server’s push with the caller’s name; Accept opens the portal, which answers without ringing, audio both ways', async () => {
    const alice = await rig.agent('alice');
    const ringing = await aliceCallsCarol(alice);
    await eventually(() => shownNotifications(rig.customer.context)).toEqual([
      {
        title: 'Incoming call',
        body: 'Alice Adams is calling · Agent',
        tag: `synapse-call-${ringing.callId}`,
        actions: ['accept', 'decline'],
      },
    ]);

    await clickNotification(rig.customer.context, ringing.tag, 'accept');
    await eventually(() => shownNotifications(rig.customer.context)).toEqual([]);
    // The worker's openWindow() is refused without a real click: open what it would have.
    const carol = await rig.customerPage(`${PORTAL}&synapse-call=${ringing.callId}`);
    try {
      await eventually(async () => (await activeCall(carol))?.state, { timeout: 20_000 }).toBe(
        'active',
      );
      expect(await rings(carol)).toEqual([]);
      expect(new URL(carol.url()).searchParams.has('synapse-call')).toBe(false);
      await eventually(async () => (await activeCall(alice))?.state).toBe('active');
      expect(await waitToHear(carol, AGENT_HZ), await diagnose(carol)).toBe(true);
      expect(await waitToHear(alice, CUSTOMER_HZ), await diagnose(alice)).toBe(true);
      // Her other devices stop ringing.
      const closed = await rig.push.next(
        (p) => p.message.type === 'call-ended' && p.message.callId === ringing.callId,
      );
      expect(closed.message).toMatchObject({ reason: 'answered' });
    } finally {
      await hangUpAll(alice);
      await carol.close();
      await alice.context().close();
    }
  });

  it('Decline from the notification declines the call through the server: in both histories', async () => {
    const alice = await rig.agent('alice');
    const ringing = await aliceCallsCarol(alice);
    await eventually(async () => (await shownNotifications(rig.customer.context)).length).toBe(1);

    await clickNotification(rig.customer.context, ringing.tag, 'decline');
    await eventually(async () => (await sdkState(alice)).lastEnded, {
      timeout: 15_000,
    }).toMatchObject({ id: ringing.callId, endReason: 'rejected' });
    await eventually(() => shownNotifications(rig.customer.context)).toEqual([]);
    await eventually(async () => (await historyRow(alice, ringing.callId))?.outcome).toBe(
      'rejected',
    );
    const carol = await rig.customerPage(PORTAL);
    await eventually(async () => (await historyRow(carol, ringing.callId))?.outcome).toBe(
      'rejected',
    );
    await carol.close();
    await alice.context().close();
  });

  it('a link carrying a call id accepts nothing by itself: without Accept on the notification the portal rings', async () => {
    const alice = await rig.agent('alice');
    const ringing = await aliceCallsCarol(alice);
    const carol = await rig.customerPage(`${PORTAL}&synapse-call=${ringing.callId}`);
    await eventually(async () => (await sdkState(carol)).incoming.map((c) => c.id)).toEqual([
      ringing.callId,
    ]);
    expect((await rings(carol)).length).toBe(1);
    expect((await activeCall(alice))?.state).toBe('ringing');
    // The caller gives up: the portal stops ringing and the notification goes.
    await hangUpAll(alice);
    await eventually(async () => (await sdkState(carol)).incoming).toEqual([]);
    const closed = await rig.push.next(
      (p) => p.message.type === 'call-ended' && p.message.callId === ringing.callId,
    );
    await deliverPush(rig.customer.context, rig.demo.url, closed);
    // A cancelled call leaves a quiet "missed call" in place of the ringing one.
    await eventually(() => shownNotifications(rig.customer.context)).toEqual([
      { title: 'Missed call from Alice Adams', body: '', tag: ringing.tag, actions: [] },
    ]);
    await carol.close();
    await alice.context().close();
  });

  it('client.push.enable() fails with push-failed where the browser cannot reach its push service', async () => {
    const carol = await rig.customerPage(PORTAL);
    try {
      const result = await carol.evaluate(async () => {
        const calling = document.querySelector('synapse-calling') as unknown as {
          client: { push: { status: string; enable(o: object): Promise<string> } };
        };
        try {
          return await calling.client.push.enable({
            serviceWorker: '/synapse-sw.js',
            timeoutMs: 1_000,
          });
        } catch (err) {
          return `${(err as { code?: string }).code}: ${calling.client.push.status}`;
        }
      });
      expect(result).toBe('push-failed: disabled');
      // The demo's switch is there, off: nothing was registered.
      expect(await carol.locator('#ring-me input').isChecked()).toBe(false);
    } finally {
      await carol.close();
    }
  });
});
