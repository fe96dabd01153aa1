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
 * DOM events. A client it created is disconnected when the element leaves the document; a client
 * the page passed in is left alone.
 */
export class ProviderController implements ReactiveController {
  private readonly provider: ContextProvider<typeof clientContext>;
  private current: SynapseClient | undefined;
  private owned = false;
  private key = '';
  private off: Unsubscribe[] = [];

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
        ...(tokenUrl ? { tokenProvider: () => fetchToken(tokenUrl) } : {}),
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
    this.off = [
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
    this.host.dispatchEvent(SynapseCallErrorEvent.from(error, 'connect'));
  }
}

/**
 * Asks the host app's backend for a token, sending its cookies. Accepts a JSON body
 * `{ "token": "…" }` or the bare token as text.
 */
export async function fetchToken(url: string): Promise<string> {
  const res = await fetch(url, { credentials: 'include', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`Token request to ${url} failed with HTTP ${res.status}`);
  const text = (await res.text()).trim();
  if (text.startsWith('{')) {
    const body = JSON.parse(text) as { token?: unknown };
    if (typeof body.token === 'string' && body.token) return body.token;
    throw new Error(`Token response from ${url} has no "token" field`);
  }
  return text;
}
