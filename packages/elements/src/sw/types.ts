/**
 * The few service worker types `synapse-sw.ts` uses. The elements compile against the DOM
 * library, which has none of them, and the WebWorker library cannot be mixed into the same
 * program; these follow the Service Worker, Push and Notifications specifications.
 */

export interface SwExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}

export interface SwPushEvent extends SwExtendableEvent {
  readonly data: { json(): unknown; text(): string } | null;
}

export interface SwNotificationEvent extends SwExtendableEvent {
  readonly action: string;
  readonly notification: Notification;
}

export interface SwWindowClient {
  readonly url: string;
  readonly focused: boolean;
  readonly visibilityState: DocumentVisibilityState;
  focus(): Promise<SwWindowClient>;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

export interface SwRegistration {
  readonly scope: string;
  showNotification(
    title: string,
    options: NotificationOptions & {
      actions?: Array<{ action: string; title: string }>;
      renotify?: boolean;
    },
  ): Promise<void>;
  getNotifications(filter?: { tag?: string }): Promise<Notification[]>;
}

export interface ServiceWorkerScope {
  readonly registration: SwRegistration;
  readonly location: Location;
  readonly navigator: Navigator;
  readonly clients: {
    claim(): Promise<void>;
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<SwWindowClient[]>;
    openWindow(url: string): Promise<SwWindowClient | null>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(
    type: 'install' | 'activate' | 'push' | 'notificationclick' | 'message',
    listener: (event: SwExtendableEvent) => void,
  ): void;
}
