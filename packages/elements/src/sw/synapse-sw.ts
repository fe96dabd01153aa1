/**
 * The Synapse service worker (`dist/synapse-sw.js`): rings this browser for calls when no page
 * of the app is open. Serve it from your own origin (for example as `/synapse-sw.js`, scope `/`)
 * and let sdk-core register it (`client.push.enable()`), or `importScripts()` it from your own
 * worker. See docs/notifications.md.
 *
 * - A push `incoming-call` shows a notification (caller, Accept, Decline; it stays until acted
 *   on, tagged per call); `call-ended` closes it, leaving a quiet "missed call" for a call that
 *   was cancelled or missed.
 * - Accept goes to an open page of the app that holds the call ringing; with none, the worker
 *   opens the page the app registered (`?synapse-call=<id>`), which asks here and accepts on
 *   load. Decline is sent straight to the server with the push's call-scoped token.
 * - Notifications the pages show for hidden tabs go through here too (same tag, same actions).
 */
import type { CallEndedPush, IncomingCallPush, PushMessage } from '@synapse-calling/protocol';
import {
  CALL_PARAM,
  NOTIFICATION_MARK,
  type CallActionMessage,
  type CallActionReply,
  type CallNotificationData,
  type PageToWorkerMessage,
  type RingingQuery,
  type RingingReply,
  type WorkerToPageMessage,
} from '@synapse-calling/sdk-core';
import { translationFor } from '../i18n/translations';
import type { ServiceWorkerScope, SwNotificationEvent, SwPushEvent, SwWindowClient } from './types';

declare const self: ServiceWorkerScope;

/** Accepts chosen with no page open, until the page the worker opened asks for them. */
const pendingAccepts = new Map<string, number>();

/**
 * Showing and reading notifications, one at a time. Chromium's getNotifications() deletes from
 * its records every stored notification the platform does not display yet: a read racing a show
 * (one call ends while another starts ringing) would drop the new one for good.
 */
let notificationOps: Promise<unknown> = Promise.resolve();
function serially<T>(op: () => Promise<T>): Promise<T> {
  const next = notificationOps.then(op, op);
  notificationOps = next.catch(() => undefined);
  return next;
}

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('push', (event) => event.waitUntil(onPush(event as SwPushEvent)));
self.addEventListener('notificationclick', (event) =>
  event.waitUntil(onClick(event as SwNotificationEvent)),
);
self.addEventListener('message', (event) => onMessage(event as unknown as MessageEvent));

async function onPush(event: SwPushEvent): Promise<void> {
  let message: PushMessage;
  try {
    message = event.data?.json() as PushMessage;
  } catch {
    return;
  }
  if (message?.v !== 1) return;
  if (message.type === 'incoming-call') await ring(message);
  else if (message.type === 'call-ended') await stopRinging(message);
}

async function ring(message: IncomingCallPush): Promise<void> {
  if (Date.now() > message.expiresAt) return;
  // A page the user is looking at already rings with its own prompt.
  if ((await pagesRinging(message.callId)).some((page) => page.seen)) return;
  const t = translationFor(message.lang ?? self.navigator.language);
  const data: CallNotificationData = {
    synapse: NOTIFICATION_MARK,
    callId: message.callId,
    push: {
      token: message.token,
      serverUrl: message.serverUrl,
      openUrl: message.openUrl,
      expiresAt: message.expiresAt,
    },
  };
  await serially(() =>
    self.registration.showNotification(t.incoming.title, {
      body: `${t.incoming.callerIsCalling(message.caller.name)} · ${t.role(message.caller.role)}`,
      tag: message.tag,
      data,
      requireInteraction: true,
      renotify: true,
      actions: [
        { action: 'accept', title: t.incoming.accept },
        { action: 'decline', title: t.incoming.decline },
      ],
    }),
  );
}

async function stopRinging(message: CallEndedPush): Promise<void> {
  pendingAccepts.delete(message.callId);
  const missed = message.reason === 'missed' || message.reason === 'cancelled';
  const t = translationFor(message.lang ?? self.navigator.language);
  const data: CallNotificationData = {
    synapse: NOTIFICATION_MARK,
    callId: message.callId,
    missed: true,
  };
  await serially(async () => {
    for (const n of await self.registration.getNotifications({ tag: message.tag })) n.close();
    if (!missed) return;
    await self.registration.showNotification(t.incoming.gone.missed?.(message.caller.name) ?? '', {
      tag: message.tag,
      data,
      silent: true,
    });
  });
}

async function onClick(event: SwNotificationEvent): Promise<void> {
  const data = event.notification.data as CallNotificationData | null;
  if (data?.synapse !== NOTIFICATION_MARK) return;
  const { callId, push } = data;
  const action = event.action === 'accept' || event.action === 'decline' ? event.action : 'show';
  // Remembered first: a page of the app that opens meanwhile asks for it.
  if (action === 'accept' && push) pendingAccepts.set(callId, push.expiresAt);
  event.notification.close();
  if (data.missed) return void (await openPage(null));
  const message: CallActionMessage = { type: 'synapse:call-action', action, callId };
  // An open page holding the call acts on it over its own connection; one page only, so that
  // two tabs never both answer.
  for (const { client } of await pagesRinging(callId)) {
    if (!(await ask<CallActionReply>(client, message))?.handled) continue;
    pendingAccepts.delete(callId);
    return void (await client.focus().catch(() => undefined));
  }
  if (!push || Date.now() > push.expiresAt) return;
  if (action === 'decline') {
    const url = new URL(`/api/push/calls/${encodeURIComponent(callId)}/decline`, push.serverUrl);
    await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${push.token}` } }).catch(
      () => undefined,
    );
    return;
  }
  // The page accepts on load after asking here (a link with the call id alone accepts nothing).
  await openPage(push.openUrl, action === 'accept' ? callId : undefined);
}

/** Opens (or focuses) the app's page; only ever a page of this worker's own origin. */
async function openPage(openUrl: string | null, callId?: string): Promise<void> {
  let url = new URL(openUrl ?? self.registration.scope, self.registration.scope);
  if (url.origin !== self.location.origin) url = new URL(self.registration.scope);
  if (callId) url.searchParams.set(CALL_PARAM, callId);
  else {
    const open = await windows();
    if (open[0]) return void (await open[0].focus().catch(() => undefined));
  }
  await self.clients.openWindow(url.href).catch(() => undefined);
}

function onMessage(event: MessageEvent): void {
  const message = event.data as Partial<PageToWorkerMessage> | null;
  const port = event.ports[0];
  if (!port) return;
  if (message?.type === 'synapse:ping') port.postMessage({ synapse: true });
  if (message?.type === 'synapse:take-action' && message.callId) {
    const until = pendingAccepts.get(message.callId);
    pendingAccepts.delete(message.callId);
    port.postMessage({ action: until && Date.now() <= until ? 'accept' : null });
  }
}

async function windows(): Promise<SwWindowClient[]> {
  const all = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  // The focused and visible ones first: the page the user is on acts on the call.
  return all.sort((a, b) => rank(b) - rank(a));
}

const rank = (c: SwWindowClient) => (c.focused ? 2 : 0) + (c.visibilityState === 'visible' ? 1 : 0);

/**
 * The open pages of the app that hold `callId` ringing, those the user looks at first. All are
 * asked at once: a page that does not run Synapse never answers, and must not hold up the rest.
 */
async function pagesRinging(
  callId: string,
): Promise<Array<{ client: SwWindowClient; seen: boolean }>> {
  const query: RingingQuery = { type: 'synapse:ringing', callId };
  const replies = await Promise.all(
    (await windows()).map(async (client) => ({
      client,
      reply: await ask<RingingReply>(client, query),
    })),
  );
  return replies.flatMap(({ client, reply }) =>
    reply?.ringing ? [{ client, seen: reply.seen }] : [],
  );
}

/** Posts `message` to a page with a reply port; its reply, or null after half a second. */
function ask<R>(client: SwWindowClient, message: WorkerToPageMessage): Promise<R | null> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), 500);
    channel.port1.onmessage = (e) => {
      clearTimeout(timer);
      resolve(e.data as R);
    };
    client.postMessage(message, [channel.port2]);
  });
}
