import { ContextProvider } from '@lit/context';
import { createClient } from '@synapse-calling/sdk-core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { clientContext, getDefaultClient, setDefaultClient } from '../context';
import { SynapseCallErrorEvent } from '../events/call-error';
import { SynapseConnectionChangeEvent } from '../events/connection-change';
import type { SynapseClient } from '@synapse-calling/sdk-core';
import type { Unsubscribe } from '../types';

export interface ProviderConfig {
  /** A client the page made itself; wins over the attributes. */
  client: SynapseClient | undefined;
  server: string;
  token: string;
  tokenUrl: string;
}

/**
 * Owns `<synapse-calling>`'s client: creates it from `server` + `token`/`token-url` (or takes the
 * `client` property), connects it, provides it to descendants through @lit/context, makes it the
 * page default when there is none yet, and re-dispatches its connection changes and errors as
 * DOM events (each error once: a failed connect is both the client's `error` event and the
 * rejection of `connect()`). A client it created is disconnected when the element leaves the
 * document; a client the page passed in is left alone.
 */
export class ProviderController implements ReactiveController {
  private readonly provider: ContextProvider<typeof clientContext>;
  private current: SynapseClient | undefined;
  private owned = false;
  private key = '';
  private off: Unsubscribe[] = [];
  private readonly reported = new WeakSet<object>();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly config: () => ProviderConfig,
  ) {
    host.addController(this);
    this.provider = new ContextProvider(host, { context: clientContext });
  }

  get client(): SynapseClient | undefined {
    return this.current;
  }

  hostConnected(): void {
    this.sync();
  }

  hostUpdate(): void {
    this.sync();
  }

  hostDisconnected(): void {
    // Moving the element (remove + insert in one task) must not drop the connection.
    queueMicrotask(() => {
      if (!this.host.isConnected) this.release();
    });
  }

  private sync(): void {
    if (!this.host.isConnected) return;
    const { client, token, tokenUrl } = this.config();
    // Without a `server`, the page's own origin: the common case of Synapse mounted into the
    // host app's server (docs/getting-started.md).
    const server = this.config().server || globalThis.location?.origin || '';
    const key = client ? 'explicit' : `${server}\n${token}\n${tokenUrl}`;
    if (key === this.key && (client ?? this.current) === this.current) return;
    this.release();
    this.key = key;
    if (client) {
      this.adopt(client, false);
    } else if (server && (token || tokenUrl)) {
      const created = createClient({
        url: server,
        ...(token ? { token } : {}),
        ...(tokenUrl ? { tokenUrl } : {}),
      });
      this.adopt(created, true);
      created.connect().catch((error: unknown) => this.fail(error));
    }
  }

  private adopt(client: SynapseClient, owned: boolean): void {
    this.current = client;
    this.owned = owned;
    this.provider.setValue(client);
    if (!getDefaultClient()) setDefaultClient(client);
    let shownError = client.connectionError;
    this.off = [
      // The host shows why it is not connected, which can change without a state change (a
      // token provider failing while the client retries).
      client.subscribe(() => {
        if (client.connectionError === shownError) return;
        shownError = client.connectionError;
        this.host.requestUpdate();
      }),
      client.on('connectionStateChanged', (state) => {
        this.host.dispatchEvent(new SynapseConnectionChangeEvent({ state }));
        this.host.requestUpdate();
      }),
      client.on('error', (error) => this.fail(error)),
    ];
    this.host.requestUpdate();
  }

  private release(): void {
    for (const off of this.off) off();
    this.off = [];
    const client = this.current;
    if (!client) return;
    if (getDefaultClient() === client) setDefaultClient(undefined);
    if (this.owned) void client.disconnect();
    this.current = undefined;
    this.owned = false;
    this.key = '';
    this.provider.setValue(undefined);
  }

  private fail(error: unknown): void {
    if (typeof error === 'object' && error !== null) {
      if (this.reported.has(error)) return;
      this.reported.add(error);
    }
    this.host.dispatchEvent(SynapseCallErrorEvent.from(error, 'connect'));
  }
}
