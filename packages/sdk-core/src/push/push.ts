import type { Call } from '../call';
import type { CallManager } from '../calls';
import { TypedEmitter } from '../emitter';
import { SynapseError, toSynapseError, type SynapseErrorCode } from '../errors';
import type { RestClient } from '../rest';
import type { SynapseUser } from '../token';

/**
 * Whether this browser rings for the signed-in user when no page of the app is open:
 * `unsupported` (no Push API, or not a secure context), `denied` (the user blocked
 * notifications for the site), `disabled`, `enabled`.
 */
export type PushStatus = 'unsupported' | 'denied' | 'disabled' | 'enabled';

/** Options of `client.push.enable()`. */
export interface PushEnableOptions {
  /**
   * The service worker: the URL of `synapse-sw.js` as your origin serves it, or a registration
   * you made yourself (with Synapse's worker imported into yours). @default '/synapse-sw.js'
   */
  serviceWorker?: string | ServiceWorkerRegistration;
  /** Scope when registering `serviceWorker` by URL. @default the script's folder */
  scope?: string;
  /** The page a notification's Accept opens (same origin as the worker). @default this page's URL */
  openUrl?: string;
  /** Language of the notification's text (`en`, `de`). @default the document's `lang` */
  lang?: string;
  /**
   * How long to wait for the browser's push service to subscribe (an unreachable one never
   * answers) before failing with `push-failed`. @default 20000
   */
  timeoutMs?: number;
}

/** The words of a call's notification. */
export interface CallNotificationText {
  title: string;
  body: string;
  accept: string;
  decline: string;
}

/** Options of `client.notifications.showWhenHidden()`. */
export interface HiddenNotificationOptions {
  /** The notification's text. @default English: "Incoming call", "<name> is calling", "Accept", "Decline" */
  text?: (call: Call) => CallNotificationText;
  /** Notify also while the tab is visible but another window has the focus. @default true */
  whenUnfocused?: boolean;
  /** Icon URL of the notification. @default none (the browser shows the site's) */
  icon?: string;
}

export interface PushEvents {
  /** `status` changed (after `enable()`, `disable()` or `refresh()`). */
  statusChanged: (status: PushStatus) => void;
}

/** @internal What the push and notification controllers need of their client. */
export interface PushHost {
  rest: Pick<RestClient, 'pushConfig' | 'registerPush' | 'unregisterPush'>;
  /** The Synapse server's URL as this page reaches it. */
  serverUrl: string;
  user(): SynapseUser | null;
  calls: Pick<CallManager, 'get' | 'incoming' | 'on'>;
  /** Reports a failure nothing awaits (a notification's Accept whose microphone was refused). */
  error(err: unknown): void;
}

/** Query parameter the worker adds to the page it opens for a call accepted from a notification. */
export const CALL_PARAM = 'synapse-call';

/** Marks the notifications Synapse shows (`notification.data.synapse`). */
export const NOTIFICATION_MARK = 'synapse-call';

/**
 * @internal What the lazily loaded `push-impl` gets from here. It imports nothing at run time
 * that the rest of sdk-core also imports, so a bundler splits it off whole instead of moving
 * shared modules into a chunk that every page would then load.
 */
export interface PushKit {
  host: PushHost;
  fail(code: SynapseErrorCode, message: string, cause?: unknown): SynapseError;
  status(): PushStatus;
  /** localStorage key remembering that `user` enabled push in this browser. */
  flagKey(user: SynapseUser): string;
  param: typeof CALL_PARAM;
  mark: typeof NOTIFICATION_MARK;
}

/** Whether Web Push can work here: service workers, the Push API, notifications, HTTPS. */
export function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof PushManager !== 'undefined' &&
    typeof Notification !== 'undefined' &&
    globalThis.isSecureContext === true
  );
}

const flagKey = (user: SynapseUser) =>
  `synapse-push:${encodeURIComponent(user.tenant)}:${encodeURIComponent(user.id)}`;

type Impl = typeof import('./push-impl');
let impl: Promise<Impl> | undefined;

/** The browser code behind both controllers, fetched on first use; `step` runs with it. */
async function withImpl<T>(host: PushHost, step: (m: Impl, kit: PushKit) => Promise<T>) {
  const kit: PushKit = {
    host,
    fail: (code, message, cause) => new SynapseError(code, message, { cause }),
    status: () =>
      !pushSupported()
        ? 'unsupported'
        : Notification.permission === 'denied'
          ? 'denied'
          : 'disabled',
    flagKey,
    param: CALL_PARAM,
    mark: NOTIFICATION_MARK,
  };
  return step(await (impl ??= import('./push-impl')), kit);
}

/** The permission, asked now if it was never asked: browsers only prompt inside the click. */
function askPermission(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return Promise.resolve('unsupported');
  return Notification.permission === 'default'
    ? Notification.requestPermission()
    : Promise.resolve(Notification.permission);
}

/**
 * `client.push`: ring this browser for the signed-in user when no page of the app is open
 * (closed tab, phone with the app on its home screen), through Web Push and the service worker
 * `synapse-sw.js` shipped by `@synapse-calling/elements` — see docs/notifications.md.
 */
export class PushController extends TypedEmitter<PushEvents> {
  private current: PushStatus = 'disabled';
  /** The call this page was opened for from a notification (`?synapse-call=`), until asked. */
  private intent: string | null = null;

  /** @internal Made by the client (`client.push`). */
  constructor(private readonly host: PushHost) {
    super();
    if (!pushSupported()) this.current = 'unsupported';
    else if (Notification.permission === 'denied') this.current = 'denied';
    if (typeof history === 'undefined') return;
    const url = new URL(location.href);
    this.intent = url.searchParams.get(CALL_PARAM);
    if (!this.intent) return;
    // Not left in the address bar: a reload must not look like a second Accept.
    url.searchParams.delete(CALL_PARAM);
    history.replaceState(history.state, '', url);
  }

  /** The last known status; see `statusChanged`. `refresh()` checks again. */
  get status(): PushStatus {
    return this.current;
  }

  /**
   * Subscribes this browser and registers it for the signed-in user. Call it from a click: it
   * asks for the notification permission. Rejects with `push-unsupported`,
   * `notifications-denied`, `push-failed` (the browser's push service refused), `not-found`
   * (the server has push turned off) or a REST error.
   *
   * @example
   * ringMeButton.onclick = async () => {
   *   try {
   *     await client.push.enable({ serviceWorker: '/synapse-sw.js', openUrl: '/portal/' });
   *   } catch (err) {
   *     if (isSynapseError(err) && err.code === 'notifications-denied') showHowToUnblock();
   *   }
   * };
   */
  enable(options: PushEnableOptions = {}): Promise<PushStatus> {
    const permission = askPermission();
    return this.run((m, kit) => m.enablePush(kit, options, permission));
  }

  /**
   * Stops ringing this browser for the signed-in user (removes the registration and
   * unsubscribes). Call it at sign-out on shared computers.
   *
   * @example
   * await client.push.disable();
   */
  disable(): Promise<PushStatus> {
    return this.run((m, kit) => m.disablePush(kit));
  }

  /**
   * Checks the status again and, if this user enabled push in this browser before, registers
   * it again (the client does this by itself after connecting).
   *
   * @example
   * toggle.checked = (await client.push.refresh()) === 'enabled';
   */
  refresh(): Promise<PushStatus> {
    return this.run((m, kit) => m.refreshPush(kit));
  }

  /** @internal After connecting: where this user enabled push before, register it again. */
  resume(): void {
    const user = this.host.user();
    if (this.current !== 'unsupported' && user && globalThis.localStorage?.getItem(flagKey(user))) {
      void this.refresh().catch(this.host.error);
    }
  }

  /**
   * @internal The call to accept at once after connecting: the one this page was opened for,
   * if the user chose Accept on its notification (the worker says so; a link with the
   * parameter alone accepts nothing).
   */
  async acceptedCall(): Promise<string | null> {
    const id = this.intent;
    this.intent = null;
    if (!id) return null;
    const action = await withImpl(this.host, (m) => m.takeAction(id)).catch(() => null);
    return action === 'accept' ? id : null;
  }

  private async run(step: (m: Impl, kit: PushKit) => Promise<PushStatus>): Promise<PushStatus> {
    try {
      const status = await withImpl(this.host, step);
      if (status !== this.current) this.emit('statusChanged', (this.current = status));
      return status;
    } catch (err) {
      throw toSynapseError(err, 'push-failed');
    }
  }
}

/**
 * `client.notifications`: for custom UIs, a system notification while a call rings in a hidden
 * or unfocused tab (`<synapse-incoming-call notify>` does this for the elements).
 */
export class NotificationController {
  /** @internal Made by the client (`client.notifications`). */
  constructor(private readonly host: PushHost) {}

  /** The notification permission, or `unsupported`. */
  get permission(): NotificationPermission | 'unsupported' {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  /**
   * Asks for the permission; call it from a click, after telling the user why.
   *
   * @example
   * explainButton.onclick = () => client.notifications.requestPermission();
   */
  requestPermission(): Promise<NotificationPermission | 'unsupported'> {
    return askPermission();
  }

  /**
   * From now on, a call ringing while the tab is hidden or unfocused shows a notification
   * (when the permission is granted; nothing is asked here). Returns the function that stops it.
   *
   * @example
   * const stop = client.notifications.showWhenHidden({
   *   text: (call) => ({ title: 'Anruf', body: call.peer.name, accept: 'Annehmen', decline: 'Ablehnen' }),
   * });
   */
  showWhenHidden(options: HiddenNotificationOptions = {}): () => void {
    let stop: (() => void) | undefined;
    let stopped = false;
    if (typeof Notification !== 'undefined') {
      withImpl(this.host, async (m, kit) => {
        if (!stopped) stop = m.watchHidden(kit, options);
      }).catch(this.host.error);
    }
    return () => {
      stopped = true;
      stop?.();
    };
  }
}
