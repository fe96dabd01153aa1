import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { ProviderController } from '../controllers/provider-controller';
import { LocaleController } from '../i18n/locale-controller';
import { describeConnectionError } from '../i18n/translations';
import { tokens } from '../styles/tokens';
import type { ConnectionState, SynapseClient, SynapseError } from '@synapse-calling/sdk-core';
import { callingStyles } from './calling.styles';

/**
 * The root of a calling page. Creates the Synapse client from `server` and `token` or
 * `token-url` (fetched with the page's cookies and asked again before the token expires), or
 * uses the client given in the `client` property, connects it, and provides it to every
 * Synapse element inside. The first one on the page also becomes the default client of elements
 * outside any `<synapse-calling>`. Unless `no-call-ui` is set it shows the incoming-call prompt
 * and the active-call panel itself, and, while the client cannot connect, why (the page's origin
 * is not allowed by the server, signing in failed…) above the content. With `notify`, its
 * incoming-call prompt also notifies of calls ringing in a hidden tab (see
 * `<synapse-incoming-call>`).
 *
 * @summary Connects to Synapse Calling and provides the client to the elements inside.
 * @tag synapse-calling
 *
 * @slot - The page content: call buttons, presence, history, anything else.
 *
 * @fires synapse-connection-change - The client's connection state changed (`detail.state`).
 * @fires synapse-call-error - Connecting failed or the client reported an error (`detail.action` is `connect`).
 *
 * @csspart notice - Why calling is not connected (`role="alert"`), shown above the content while
 *   the client reports a connection error; the `connection-error` attribute holds its code.
 * @csspart incoming-call - The built-in `<synapse-incoming-call>`; its parts are exported with an
 *   `incoming-` prefix (`incoming-dialog`, `incoming-accept`, `incoming-decline`…).
 * @csspart active-call - The built-in `<synapse-active-call>`; its parts are exported with an
 *   `active-` prefix: `active-base`, `active-peer`, `active-timer`, `active-mute`, `active-end`,
 *   `active-quality`, `active-start-audio`, `active-queue`, `active-transfer`.
 *
 * @cssproperty --synapse-color-danger - The edge of the notice.
 * @cssproperty --synapse-color-accent - Accent colour of all elements inside.
 * @cssproperty --synapse-font-family - Font family of all elements inside.
 */
export class SynapseCalling extends LitElement {
  static override styles = [tokens, callingStyles];

  static override properties = {
    server: { type: String, reflect: true },
    token: { type: String },
    tokenUrl: { type: String, attribute: 'token-url', reflect: true },
    noCallUi: { type: Boolean, attribute: 'no-call-ui', reflect: true },
    notify: { type: Boolean, reflect: true },
    client: { attribute: false, noAccessor: true },
  };

  /** Base URL of the Synapse server (`https://calls.example.com`); default: the page's origin. */
  declare server: string;
  /** A JWT for the signed-in user. Prefer `token-url` for sessions longer than the token. */
  declare token: string;
  /**
   * A URL of the host app's backend that returns a fresh token (JSON `{ "token": "…" }` or plain
   * text); fetched with `credentials: 'include'` on connect, before reconnects and before expiry.
   */
  declare tokenUrl: string;
  /** Leaves out the built-in incoming-call prompt and active-call panel. */
  declare noCallUi: boolean;
  /**
   * The built-in incoming-call prompt also shows a system notification for calls that ring while
   * the tab is hidden or unfocused (`<synapse-incoming-call notify>`).
   */
  declare notify: boolean;

  private readonly locale = new LocaleController(this);
  private explicitClient: SynapseClient | undefined;
  private readonly provider = new ProviderController(this, () => ({
    client: this.explicitClient,
    server: this.server,
    token: this.token,
    tokenUrl: this.tokenUrl,
  }));

  constructor() {
    super();
    this.server = '';
    this.token = '';
    this.tokenUrl = '';
    this.noCallUi = false;
    this.notify = false;
  }

  /**
   * The client in use. Set it to use a client the page created (`createClient`) instead of the
   * attributes; the page then connects and disconnects it.
   */
  get client(): SynapseClient | undefined {
    return this.explicitClient ?? this.provider.client;
  }

  set client(client: SynapseClient | undefined) {
    const old = this.client;
    this.explicitClient = client;
    this.requestUpdate('client', old);
  }

  /** The client's connection state (also the `connection-state` attribute). */
  get connectionState(): ConnectionState {
    return this.provider.client?.connectionState ?? 'disconnected';
  }

  /** Why the client is not connected (`client.connectionError`), or null. */
  private get connectionError(): SynapseError | null {
    const client = this.provider.client;
    return client && client.connectionState !== 'connected' ? client.connectionError : null;
  }

  protected override updated(): void {
    this.setAttribute('connection-state', this.connectionState);
    const error = this.connectionError;
    if (error) this.setAttribute('connection-error', error.code);
    else this.removeAttribute('connection-error');
  }

  protected override render(): TemplateResult {
    const error = this.noCallUi ? null : this.connectionError;
    return html`${
        error
          ? html`<p part="notice" role="alert">${describeConnectionError(this.locale.t, error)}</p>`
          : nothing
      }<slot></slot>${
        this.noCallUi
          ? nothing
          : html`<synapse-incoming-call
                ?notify=${this.notify}
                part="incoming-call"
                exportparts="dialog: incoming-dialog, title: incoming-title, caller: incoming-caller, role: incoming-role, accept: incoming-accept, decline: incoming-decline, mute-ringtone: incoming-mute-ringtone, notice: incoming-notice, notify-prompt: incoming-notify-prompt, notify-enable: incoming-notify-enable, notify-dismiss: incoming-notify-dismiss"
              ></synapse-incoming-call>
              <synapse-active-call
                part="active-call"
                exportparts="base: active-base, peer: active-peer, timer: active-timer, mute: active-mute, end: active-end, quality: active-quality, start-audio: active-start-audio, queue: active-queue, transfer: active-transfer"
              ></synapse-active-call>`
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'synapse-calling': SynapseCalling;
  }
}
