/**
 * Web Push: the REST types of `/api/push/*` and the payloads the reference server pushes to the
 * service worker (docs/protocol.md#web-push, docs/notifications.md). Part of the package's main
 * entry (`index.ts` re-exports it).
 */
import type { EndReason, Role } from './index';

/** Limits on what a browser registers for Web Push; larger values are refused. */
export const PUSH_LIMITS = {
  /** Longest push service endpoint URL. */
  maxEndpointLength: 2048,
  /** Longest `openUrl` and `serverUrl`. */
  maxUrlLength: 1024,
  /** Longest `lang` tag. */
  maxLangLength: 35,
} as const;

/** `GET /api/push/config` → this: the server's VAPID public key (base64url), for `PushManager.subscribe`. */
export interface PushConfigResponse {
  publicKey: string;
}

/** A browser's push subscription, as `PushSubscription.toJSON()` gives it. */
export interface PushSubscriptionJson {
  /** The push service's URL for this browser; `https` on a public host. */
  endpoint: string;
  keys: {
    /** The browser's P-256 public key, uncompressed (65 bytes), base64url. */
    p256dh: string;
    /** The 16-byte authentication secret, base64url. */
    auth: string;
  };
}

/**
 * `POST /api/push/subscriptions` body: registers this browser for the signed-in user's calls
 * (`DELETE /api/push/subscriptions` with `{ endpoint }` removes it). The other fields travel in
 * the push payload to the service worker.
 */
export interface PushRegistration {
  subscription: PushSubscriptionJson;
  /** The Synapse server's base URL as the page reaches it; the worker declines calls there. */
  serverUrl: string;
  /** The page a notification's Accept opens, on the worker's origin. Default: the worker's scope. */
  openUrl?: string;
  /** Language of the notification's text (BCP 47, e.g. `de`). Default: the browser's. */
  lang?: string;
}

/** Push payload: a call rings. The worker shows a notification tagged `tag` with Accept and Decline. */
export interface IncomingCallPush {
  v: 1;
  type: 'incoming-call';
  callId: string;
  /** Notification tag, one per call, so the later `call-ended` push replaces or closes it. */
  tag: string;
  caller: { name: string; role: Role };
  /** When the call stops ringing (ms since the epoch); the token expires then too. */
  expiresAt: number;
  /**
   * Call-scoped token for `POST /api/push/calls/:callId/decline`: allows declining this one call
   * by this user until it stops ringing, and nothing else. Never the user's session token.
   */
  token: string;
  serverUrl: string;
  openUrl: string | null;
  lang: string | null;
}

/**
 * Push payload: a call that rang stopped ringing — answered (here or on another device), declined,
 * cancelled by the caller or missed. The worker closes the call's notification.
 */
export interface CallEndedPush {
  v: 1;
  type: 'call-ended';
  callId: string;
  tag: string;
  caller: { name: string; role: Role };
  /** `answered` when it was accepted, else the end reason. */
  reason: 'answered' | EndReason;
  lang: string | null;
}

/** What the reference server sends through Web Push (JSON, RFC 8291-encrypted). */
export type PushMessage = IncomingCallPush | CallEndedPush;
