/**
 * What a page running sdk-core and the Synapse service worker (`@synapse-calling/elements`'
 * `synapse-sw.js`) say to each other with `postMessage`. Each request carries a `MessagePort`
 * (`event.ports[0]`) for its one reply. Types only: the constants live in `push.ts`.
 */

/**
 * Worker → page: the user chose `action` on the notification of `callId`. `show`: they clicked
 * the notification itself (the worker focuses the tab). Reply: `CallActionReply`.
 */
export interface CallActionMessage {
  type: 'synapse:call-action';
  action: 'accept' | 'decline' | 'show';
  callId: string;
}
export interface CallActionReply {
  /** This page holds the call ringing and acted on it; otherwise the worker tries elsewhere. */
  handled: boolean;
}

/** Worker → page: does this page hold `callId` ringing? Reply: `RingingReply`. */
export interface RingingQuery {
  type: 'synapse:ringing';
  callId: string;
}
export interface RingingReply {
  ringing: boolean;
  /** The page is visible and focused: the user sees it ring, a notification would be a double. */
  seen: boolean;
}

/**
 * Page → worker: the page opened for `callId` asks what the user chose on its notification
 * (the worker remembers an Accept it could not hand to an open page). Reply: `TakeActionReply`.
 */
export interface TakeActionMessage {
  type: 'synapse:take-action';
  callId: string;
}
export interface TakeActionReply {
  action: 'accept' | null;
}

/** Page → worker: is this the Synapse worker? Reply `{ synapse: true }`. */
export interface PingMessage {
  type: 'synapse:ping';
}

export type PageToWorkerMessage = TakeActionMessage | PingMessage;
export type WorkerToPageMessage = CallActionMessage | RingingQuery;

/** What Synapse puts into `notification.data`. */
export interface CallNotificationData {
  /** Always `NOTIFICATION_MARK`. */
  synapse: 'synapse-call';
  callId: string;
  /** Shown by the worker from a push: how to decline without a page, and which page to open. */
  push?: {
    token: string;
    serverUrl: string;
    openUrl: string | null;
    expiresAt: number;
  };
  /** A "missed call" notice rather than a ringing call. */
  missed?: boolean;
}
