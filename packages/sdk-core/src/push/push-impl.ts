/**
 * The browser side of Web Push and call notifications, loaded on first use (`import()`), so
 * that pages that never opt in do not download it.
 */
import type { Call } from '../call';
import type { PushRegistration } from '@synapse-calling/protocol';
import type {
  CallActionReply,
  CallNotificationData,
  PageToWorkerMessage,
  RingingReply,
  TakeActionReply,
  WorkerToPageMessage,
} from './messages';
import type {
  HiddenNotificationOptions,
  PushEnableOptions,
  PushHost,
  PushKit,
  PushStatus,
} from './push';

/** Where the worker script is looked for when the page names none. */
const DEFAULT_WORKER = '/synapse-sw.js';

/** What `enable()` remembers per user (in localStorage), so a later visit can refresh it. */
interface PushFlag {
  scope: string;
  openUrl: string | null;
  lang: string | null;
}

export async function enablePush(
  kit: PushKit,
  options: PushEnableOptions,
  asked: Promise<NotificationPermission | 'unsupported'>,
): Promise<PushStatus> {
  const { host, fail } = kit;
  if (kit.status() === 'unsupported') {
    throw fail('push-unsupported', 'This browser cannot receive Web Push here');
  }
  const user = host.user();
  if (!user) throw fail('not-connected', 'Sign in before enabling push');
  if ((await asked) !== 'granted') {
    throw fail('notifications-denied', 'Notifications are blocked for this site');
  }
  const [{ publicKey }, registration] = await Promise.all([
    host.rest.pushConfig(),
    registerWorker(options.serviceWorker, options.scope),
  ]);
  const key = fromBase64url(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {
    // Made with other keys (the server's changed): it would only receive pushes it cannot check.
    await subscription.unsubscribe();
    subscription = null;
  }
  try {
    subscription ??= await new Promise<PushSubscription>((resolve, reject) => {
      setTimeout(
        () => reject(new Error('the push service did not answer')),
        options.timeoutMs ?? 20_000,
      );
      registration.pushManager
        .subscribe({ userVisibleOnly: true, applicationServerKey: key })
        .then(resolve, reject);
    });
  } catch (err) {
    throw fail('push-failed', 'The browser could not subscribe to its push service', err);
  }
  const flag: PushFlag = {
    scope: registration.scope,
    openUrl: withoutParam(options.openUrl ?? location.href, kit.param),
    lang: options.lang ?? (document.documentElement.lang || null),
  };
  await host.rest.registerPush(registrationOf(host, subscription, flag));
  localStorage.setItem(kit.flagKey(user), JSON.stringify(flag));
  linkWorker(host);
  return 'enabled';
}

export async function disablePush(kit: PushKit): Promise<PushStatus> {
  const { host } = kit;
  const user = host.user();
  const flag = user ? readFlag(kit.flagKey(user)) : null;
  const registration = await navigator.serviceWorker.getRegistration(flag?.scope);
  const subscription = await registration?.pushManager.getSubscription();
  if (subscription) {
    await host.rest.unregisterPush(subscription.endpoint);
    await subscription.unsubscribe();
  }
  if (user) localStorage.removeItem(kit.flagKey(user));
  return kit.status();
}

/**
 * The status as this browser sees it. When this user enabled push here before, the
 * registration is sent again: it may have been dropped by the server (the push service said
 * "gone") or made with an endpoint the browser has since rotated.
 */
export async function refreshPush(kit: PushKit): Promise<PushStatus> {
  const { host } = kit;
  const status = kit.status();
  const user = host.user();
  const flag = user ? readFlag(kit.flagKey(user)) : null;
  if (status !== 'disabled' || !flag) return status;
  const registration = await navigator.serviceWorker.getRegistration(flag.scope);
  const subscription = await registration?.pushManager.getSubscription();
  if (!subscription) return 'disabled';
  await host.rest.registerPush(registrationOf(host, subscription, flag));
  linkWorker(host);
  return 'enabled';
}

/** What the user chose on the notification of the call this page was opened for, if anything. */
export async function takeAction(callId: string): Promise<'accept' | null> {
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  const worker = navigator.serviceWorker.controller ?? registration?.active;
  if (!worker) return null;
  const reply = await ask<TakeActionReply>(worker, { type: 'synapse:take-action', callId }, 3000);
  return reply?.action ?? null;
}

const linked = new WeakSet<PushHost>();

/**
 * Answers the worker's messages about calls: "does this page hold the call ringing (where the
 * user looks)?" lets the worker pick the page to hand an Accept or Decline to, and skip a
 * notification the user would see twice; the action then goes to the page's own call.
 */
export function linkWorker(host: PushHost): void {
  if (linked.has(host) || !('serviceWorker' in navigator)) return;
  linked.add(host);
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const message = event.data as Partial<WorkerToPageMessage> | null;
    const port = event.ports[0];
    if (!port || !message?.callId) return;
    const call = host.calls.get(message.callId);
    const ringing = call?.direction === 'incoming' && call.state === 'ringing' ? call : undefined;
    if (message.type === 'synapse:ringing') {
      const reply: RingingReply = {
        ringing: !!ringing,
        seen: !!ringing && document.visibilityState === 'visible' && document.hasFocus(),
      };
      port.postMessage(reply);
    } else if (message.type === 'synapse:call-action') {
      const reply: CallActionReply = { handled: !!ringing };
      port.postMessage(reply);
      if (!ringing) return;
      // `show`: the worker focuses this tab, whose incoming-call prompt already shows the call.
      if (message.action === 'accept') ringing.accept().catch(host.error);
      if (message.action === 'decline') ringing.reject().catch(host.error);
    }
  });
  navigator.serviceWorker.startMessages();
}

/**
 * While a call rings and the page is hidden (or, unless `whenUnfocused: false`, not focused),
 * a system notification says who calls; it closes when the call stops ringing. Through the
 * Synapse worker when the page has it (with Accept and Decline), else a plain notification
 * whose click focuses the tab.
 */
export function watchHidden(kit: PushKit, options: HiddenNotificationOptions): () => void {
  const { host } = kit;
  linkWorker(host);
  const shown = new Map<string, () => void>();
  const away = () =>
    document.visibilityState === 'hidden' ||
    (options.whenUnfocused !== false && !document.hasFocus());
  const show = async (call: Call) => {
    if (shown.has(call.id) || !away() || Notification.permission !== 'granted') return;
    let close = () => undefined as void;
    shown.set(call.id, () => close());
    const text = options.text?.(call) ?? {
      title: 'Incoming call',
      body: `${call.peer.name} is calling`,
      accept: 'Accept',
      decline: 'Decline',
    };
    const tag = `synapse-call-${call.id}`;
    const data: CallNotificationData = { synapse: kit.mark, callId: call.id };
    const base: NotificationOptions = { body: text.body, tag, data, requireInteraction: true };
    if (options.icon) base.icon = options.icon;
    const worker = await synapseWorker();
    if (worker) {
      await worker.showNotification(text.title, {
        ...base,
        actions: [
          { action: 'accept', title: text.accept },
          { action: 'decline', title: text.decline },
        ],
      } as NotificationOptions);
      close = () => void closeTagged(worker, tag);
    } else {
      const notification = new Notification(text.title, base);
      notification.onclick = () => {
        window.focus();
        notification.close();
      };
      close = () => notification.close();
    }
    // It may have stopped ringing while the notification was being shown.
    if (!shown.has(call.id) || call.state !== 'ringing') close();
  };
  const sweep = () => {
    for (const [id, close] of shown) {
      if (host.calls.get(id)?.state !== 'ringing') {
        shown.delete(id);
        close();
      }
    }
  };
  const onAway = () => host.calls.incoming.forEach((call) => void show(call).catch(host.error));
  const offs = [
    host.calls.on('incomingCall', (call) => void show(call).catch(host.error)),
    host.calls.on('callsChanged', sweep),
  ];
  document.addEventListener('visibilitychange', onAway);
  window.addEventListener('blur', onAway);
  return () => {
    offs.forEach((off) => off());
    document.removeEventListener('visibilitychange', onAway);
    window.removeEventListener('blur', onAway);
    for (const close of shown.values()) close();
    shown.clear();
  };
}

let synapseRegistration: ServiceWorkerRegistration | undefined;

/**
 * The page's service worker registration if its worker is Synapse's (it answers a ping; a worker
 * the browser had stopped may take a moment to start). A yes is remembered; a no is asked again
 * next time, as the worker may have been registered since.
 */
async function synapseWorker(): Promise<ServiceWorkerRegistration | null> {
  if (synapseRegistration) return synapseRegistration;
  if (!('serviceWorker' in navigator)) return null;
  const registration = await navigator.serviceWorker.getRegistration();
  const worker = registration?.active;
  if (!registration || !worker) return null;
  // Our worker under its shipped name needs no ping: a stopped worker can take seconds to start
  // on a busy machine, and the notification would fall back to one without Accept and Decline.
  // A host's own worker (which may import ours) answers the ping.
  const shipped = new URL(worker.scriptURL).pathname.endsWith('/synapse-sw.js');
  const reply = shipped
    ? { synapse: true }
    : await ask<{ synapse?: boolean }>(worker, { type: 'synapse:ping' }, 3000);
  if (reply?.synapse) synapseRegistration = registration;
  return synapseRegistration ?? null;
}

/**
 * Closes the call's ringing notification. Not a "missed call" notice the worker put in its place:
 * a page slow to close (a busy machine) would otherwise remove the notice the user still needs.
 */
async function closeTagged(registration: ServiceWorkerRegistration, tag: string): Promise<void> {
  for (const n of await registration.getNotifications({ tag })) {
    if (!(n.data as CallNotificationData | null)?.missed) n.close();
  }
}

/** Posts `message` with a reply port; resolves with the reply, or null after `timeoutMs`. */
function ask<T>(worker: ServiceWorker, message: PageToWorkerMessage, timeoutMs = 1500) {
  return new Promise<T | null>((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), timeoutMs);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data as T);
    };
    worker.postMessage(message, [channel.port2]);
  });
}

async function registerWorker(
  given: string | ServiceWorkerRegistration | undefined,
  scope: string | undefined,
): Promise<ServiceWorkerRegistration> {
  const registration =
    typeof given === 'object'
      ? given
      : await navigator.serviceWorker.register(given ?? DEFAULT_WORKER, scope ? { scope } : {});
  if (registration.active) return registration;
  // Subscribing needs an active worker; a first registration is still installing.
  const worker = registration.installing ?? registration.waiting;
  await new Promise<void>((resolve) => {
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve();
    });
  });
  return registration;
}

function registrationOf(
  host: PushHost,
  subscription: PushSubscription,
  flag: PushFlag,
): PushRegistration {
  const json = subscription.toJSON();
  return {
    subscription: {
      endpoint: subscription.endpoint,
      keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
    },
    serverUrl: host.serverUrl,
    ...(flag.openUrl ? { openUrl: flag.openUrl } : {}),
    ...(flag.lang ? { lang: flag.lang } : {}),
  };
}

/** `href` without the worker's call parameter (enabling push on a page opened from a notification). */
function withoutParam(href: string, param: string): string {
  const url = new URL(href, location.href);
  url.searchParams.delete(param);
  return url.origin === location.origin ? url.href : href;
}

function readFlag(key: string): PushFlag | null {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null') as PushFlag | null;
  } catch {
    return null;
  }
}

function sameKey(subscription: PushSubscription, key: Uint8Array<ArrayBuffer>): boolean {
  const current = subscription.options.applicationServerKey;
  if (!current) return false;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

function fromBase64url(value: string): Uint8Array<ArrayBuffer> {
  const binary = atob(value.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
