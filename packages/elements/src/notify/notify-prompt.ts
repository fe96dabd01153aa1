import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Call, CallNotificationText, SynapseClient } from '@synapse-calling/sdk-core';
import type { ClientController } from '../controllers/client-controller';
import type { Translation } from '../i18n/translations';

type NotifyStrings = NonNullable<Translation['notify']>;

/** The shipped languages' `Translation.notify`. */
const STRINGS: Record<string, NotifyStrings> = {
  en: {
    explain: 'Get notified of calls while this tab is in the background?',
    enable: 'Turn on notifications',
    dismiss: 'Not now',
  },
  de: {
    explain: 'Bei Anrufen benachrichtigen, während dieser Tab im Hintergrund ist?',
    enable: 'Benachrichtigungen einschalten',
    dismiss: 'Nicht jetzt',
  },
};

/** Remembers "Not now": the explanation is not shown again in this browser. */
const DISMISSED_KEY = 'synapse-notify-dismissed';

export interface NotifyOptions {
  /** The host opted in (`notify`). */
  enabled: boolean;
  /** The notification's words, in the element's language. */
  text: (call: Call) => CallNotificationText;
}

/**
 * `<synapse-incoming-call notify>` (loaded only when a page sets `notify`): system notifications
 * for calls that ring while the tab is hidden or unfocused, through sdk-core's
 * `client.notifications.showWhenHidden`. The permission is asked only from the user's click on
 * "turn on", under the explanation shown first while `asking`; a refusal changes nothing else.
 * No run-time imports: a bundler splits it off whole.
 */
export class NotifyPrompt implements ReactiveController {
  private client: SynapseClient | undefined;
  private stop: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly clients: ClientController,
    private readonly options: () => NotifyOptions,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    const client = this.options().enabled ? this.clients.client : undefined;
    const granted = client?.notifications.permission === 'granted';
    if (client !== this.client || !granted) this.release();
    if (client && granted && !this.stop) {
      this.client = client;
      this.stop = client.notifications.showWhenHidden({
        text: (call) => this.options().text(call),
      });
    }
  }

  hostDisconnected(): void {
    this.release();
  }

  /** The explanation's words for `t`'s language. */
  strings(t: Translation): NotifyStrings {
    return t.notify ?? STRINGS[t.lang.split('-')[0] as string] ?? (STRINGS.en as NotifyStrings);
  }

  /** Whether to show the explanation: opted in, the permission never asked, not dismissed. */
  get asking(): boolean {
    return (
      this.options().enabled &&
      this.clients.client?.notifications.permission === 'default' &&
      globalThis.localStorage?.getItem(DISMISSED_KEY) === null
    );
  }

  /** The click on "turn on": the browser asks now, inside the click. */
  readonly enable = async (): Promise<void> => {
    await this.clients.client?.notifications.requestPermission();
    this.host.requestUpdate();
  };

  readonly dismiss = (): void => {
    globalThis.localStorage?.setItem(DISMISSED_KEY, '1');
    this.host.requestUpdate();
  };

  private release(): void {
    this.stop?.();
    this.stop = undefined;
    this.client = undefined;
  }
}
