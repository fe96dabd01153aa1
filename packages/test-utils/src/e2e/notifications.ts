import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page, Worker } from 'playwright-core';
import { expect } from 'vitest';
import type { PushSubscriptionJson } from '@synapse-calling/protocol';
import { launchChromium } from '../browser/chromium';
import { launchChromiumTabs, type ChromiumTabs } from '../browser/tabs';
import { startPushService, type PushServiceStandIn, type ReceivedPush } from '../push/push-service';
import { startDemo, type RunningDemo } from './demo';
import { callButton } from './demo-pages';
import { activeCall, collectConsole, hangUpAll, installProbes, waitConnected } from './e2e-pages';
import { AGENT_HZ, CUSTOMER_HZ } from './e2e-rig';

/**
 * `expect.poll` with room for a busy two-core machine: a service worker that was stopped starts
 * again before it handles a push or a message, which can take a second on its own.
 */
export function eventually<T>(fn: () => T | Promise<T>, options: { timeout?: number } = {}) {
  return expect.poll(fn, { timeout: options.timeout ?? 10_000, interval: 100 });
}

/** Carol's customer portal in the demo. */
export const CAROL_PORTAL = '/customer-portal/?user=carol';

/** A notification as the service worker's `registration.getNotifications()` lists it. */
export interface ShownNotification {
  title: string;
  body: string;
  tag: string;
  actions: string[];
}

export interface NotificationRig {
  demo: RunningDemo;
  /** The stand-in push service; the demo allows its origin as a push endpoint. */
  push: PushServiceStandIn;
  /** Agents sit here (Playwright contexts, 440 Hz). */
  agents: Browser;
  /** The customer's browser (880 Hz): real tabs that hide, freeze and resume. */
  customer: ChromiumTabs;
  /** Signs an agent in on the CRM page, in a fresh context. */
  agent(userId: string): Promise<Page>;
  /** Opens a page of the demo in the customer's browser and waits until it is connected. */
  customerPage(path: string): Promise<Page>;
  /**
   * Between tests: hangs up and closes every agent's context, closes the customer's pages and
   * the notifications the worker shows (the worker and its subscription stay).
   */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The demo (a ring long enough for the steps a test takes while it rings, a push endpoint
 * allowlist for the stand-in push service, `presenceGraceMs`), one Playwright Chromium for agents
 * and a CDP-driven one with real tab visibility for the customer.
 */
export async function startNotificationRig(presenceGraceMs: number): Promise<NotificationRig> {
  const push = await startPushService();
  const demo = await startDemo({
    SYNAPSE_RING_TIMEOUT_MS: '30000',
    SYNAPSE_RECONNECT_GRACE_MS: '5000',
    SYNAPSE_PRESENCE_GRACE_MS: String(presenceGraceMs),
    SYNAPSE_PUSH_ALLOWED_ENDPOINTS: push.origin,
  });
  const [agents, customer] = await Promise.all([
    launchChromium({ toneHz: AGENT_HZ }),
    launchChromiumTabs({ toneHz: CUSTOMER_HZ }),
  ]);
  await customer.context.grantPermissions(['microphone', 'notifications'], { origin: demo.url });
  await installProbes(customer.context);
  await customer.context.addInitScript(countShows);
  // As soon as the worker runs (again), before it shows anything a test then reads.
  customer.context.on('serviceworker', (w) => void w.evaluate(countShows).catch(() => undefined));
  const contexts: BrowserContext[] = [];
  return {
    demo,
    push,
    agents,
    customer,
    async agent(userId) {
      const context = await agents.newContext({ permissions: ['microphone'] });
      contexts.push(context);
      await installProbes(context);
      const page = await context.newPage();
      collectConsole(page, userId);
      await page.goto(`${demo.url}/crm-agent/?user=${userId}`);
      await waitConnected(page);
      return page;
    },
    async customerPage(path) {
      const page = await customer.context.newPage();
      collectConsole(page, 'customer');
      await page.goto(`${demo.url}${path}`);
      await waitConnected(page);
      return page;
    },
    async reset() {
      const agentPages = contexts.flatMap((c) => c.pages());
      await Promise.all(agentPages.map((p) => hangUpAll(p).catch(() => undefined)));
      await Promise.all(contexts.splice(0).map((c) => c.close().catch(() => undefined)));
      await Promise.all(customer.context.pages().map((p) => p.close().catch(() => undefined)));
      if (customer.context.serviceWorkers().some(isSynapseWorker)) {
        await onNotifications(customer.context, { op: 'close-all' });
      }
    },
    async stop() {
      await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
      await Promise.all([agents.close(), customer.close()]);
      await demo.stop();
      await push.close();
    },
  };
}

/**
 * Clicks the call button for `userId` on an agent's CRM page once it can be clicked (an offline
 * user registered for push counts); resolves with the call's id.
 */
export async function callFromCrm(page: Page, userId: string): Promise<string> {
  const button = await callButton(page, userId);
  await eventually(() => button.state(), { timeout: 15_000 }).toBe('idle');
  await button.button.click();
  await eventually(async () => (await activeCall(page))?.id).toBeTruthy();
  return (await activeCall(page))?.id as string;
}

/** Registers the demo's `/synapse-sw.js` from `page` and waits until it is active; its scope. */
export function registerWorker(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.register('/synapse-sw.js');
    await navigator.serviceWorker.ready;
    return registration.scope;
  });
}

/**
 * What `client.push.enable()` sends once the browser's push service gave it a subscription:
 * here the stand-in's (Chromium cannot reach a real push service from this machine), for the
 * user signed in on `page`, posted with their token from the demo's sign-in.
 */
export function registerPush(
  page: Page,
  userId: string,
  subscription: PushSubscriptionJson,
  openUrl: string,
): Promise<number> {
  return page.evaluate(
    async ({ userId, subscription, openUrl }) => {
      const { token } = (await (await fetch(`/demo/token?user=${userId}`)).json()) as {
        token: string;
      };
      const res = await fetch('/api/push/subscriptions', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subscription, serverUrl: location.origin, openUrl, lang: 'en' }),
      });
      return res.status;
    },
    { userId, subscription, openUrl },
  );
}

/** The Synapse service worker of `context`. */
export async function synapseWorker(context: BrowserContext): Promise<Worker> {
  const worker =
    context.serviceWorkers().find(isSynapseWorker) ??
    (await context.waitForEvent('serviceworker', { predicate: isSynapseWorker, timeout: 10_000 }));
  await worker.evaluate(countShows);
  return worker;
}

const isSynapseWorker = (w: Worker) => w.url().endsWith('/synapse-sw.js');

/**
 * Hands a push to the service worker as the browser's push service would (CDP
 * `ServiceWorker.deliverPushMessage`), with the payload the server sent, as decrypted.
 */
export async function deliverPush(
  context: BrowserContext,
  origin: string,
  push: ReceivedPush,
): Promise<void> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  try {
    const registrationId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no service worker registration')), 10_000);
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const ours = registrations.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
        if (ours) {
          clearTimeout(timer);
          resolve(ours.registrationId);
        }
      });
      void cdp.send('ServiceWorker.enable');
    });
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin,
      registrationId,
      data: push.text,
    });
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/**
 * Counts the `showNotification()` calls in flight in this global (a page or the worker).
 *
 * Why: Chromium's `getNotifications()` keeps a stored notification only if the platform already
 * shows it or it was stored after the read began, and deletes every other one from its database
 * (content/browser/notifications/platform_notification_context_impl.cc,
 * DoReadAllNotificationDataForServiceWorkerRegistration). A read that lands between a
 * notification being stored and being displayed drops it for good: it stays on screen, no read
 * lists it again. Polling every 100 ms while a push was being shown lost 4 notifications in 18
 * on a busy machine (push.e2e failed in CI), so the tests' reads wait for the shows in flight
 * (`settled`). Runs as an init script in pages and is evaluated in the worker.
 */
function countShows(): void {
  const g = globalThis as unknown as { __synapseShowing?: number };
  if (g.__synapseShowing !== undefined || typeof ServiceWorkerRegistration === 'undefined') return;
  g.__synapseShowing = 0;
  const proto = ServiceWorkerRegistration.prototype;
  const show = proto.showNotification;
  proto.showNotification = async function (this: ServiceWorkerRegistration, ...args) {
    g.__synapseShowing = (g.__synapseShowing ?? 0) + 1;
    try {
      return await show.apply(this, args);
    } finally {
      g.__synapseShowing = (g.__synapseShowing ?? 1) - 1;
    }
  };
}

/** Resolves once no `showNotification()` is in flight in this global (at most 10 s). */
async function settled(): Promise<void> {
  const g = globalThis as unknown as { __synapseShowing?: number };
  const until = Date.now() + 10_000;
  while ((g.__synapseShowing ?? 0) > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What a test does with the worker's notifications, read once no show is in flight. */
type NotificationOp =
  | { op: 'list' }
  | { op: 'close-all' }
  | { op: 'click'; tag: string; action: 'accept' | 'decline' | '' };

async function onNotifications(
  context: BrowserContext,
  op: NotificationOp,
): Promise<ShownNotification[] | boolean> {
  // The pages first (a hidden tab shows its own), then the worker, reading in the same task.
  await Promise.all(context.pages().map((page) => page.evaluate(settled).catch(() => undefined)));
  const worker = await synapseWorker(context);
  return worker.evaluate(async (op) => {
    // `settled`, inlined: the read must follow it in the worker without a round trip between.
    const g = globalThis as unknown as { __synapseShowing?: number };
    const until = Date.now() + 10_000;
    while ((g.__synapseShowing ?? 0) > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const scope = self as unknown as {
      registration: {
        getNotifications(f?: {
          tag: string;
        }): Promise<Array<Notification & { actions?: Array<{ action: string }> }>>;
      };
      dispatchEvent(e: Event): boolean;
    };
    if (op.op === 'list') {
      const all = await scope.registration.getNotifications();
      return all.map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        actions: (n.actions ?? []).map((a) => a.action),
      }));
    }
    if (op.op === 'close-all') {
      for (const n of await scope.registration.getNotifications()) n.close();
      return true;
    }
    const [notification] = await scope.registration.getNotifications({ tag: op.tag });
    if (!notification) return false;
    const Ctor = (
      globalThis as unknown as {
        NotificationEvent: new (
          type: string,
          init: { notification: Notification; action: string },
        ) => Event;
      }
    ).NotificationEvent;
    scope.dispatchEvent(new Ctor('notificationclick', { notification, action: op.action }));
    return true;
  }, op);
}

/** The notifications the worker shows now. */
export async function shownNotifications(context: BrowserContext): Promise<ShownNotification[]> {
  return (await onNotifications(context, { op: 'list' })) as ShownNotification[];
}

/**
 * Clicks `action` on the notification `tag` as the browser would: a `notificationclick` event
 * in the worker (CDP cannot click notifications). `clients.openWindow()` is refused for such
 * an event (no user activation): a test opens the page itself where the browser would.
 */
export async function clickNotification(
  context: BrowserContext,
  tag: string,
  action: 'accept' | 'decline' | '',
): Promise<void> {
  if (!(await onNotifications(context, { op: 'click', tag, action }))) {
    throw new Error(`no notification tagged ${tag} to click`);
  }
}

/** axe-core as chai-a11y-axe (the elements' accessibility assertion) runs it. */
const AXE = createRequire(createRequire(import.meta.url).resolve('chai-a11y-axe')).resolve(
  'axe-core/axe.min.js',
);

/** axe's violations inside the first element matching `selector` (open shadow roots included). */
export async function axeViolations(page: Page, selector: string): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async (sel) => {
    const target = document.querySelector(sel);
    const axe = (
      window as unknown as {
        axe: { run(el: Element): Promise<{ violations: Array<{ id: string; help: string }> }> };
      }
    ).axe;
    if (!target) return [`nothing matches ${sel}`];
    const { violations } = await axe.run(target);
    return violations.map((v) => `${v.id}: ${v.help}`);
  }, selector);
}
