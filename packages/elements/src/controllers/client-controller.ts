import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { clientContext, getDefaultClient, onDefaultClientChange } from '../context';
import type { SynapseClient } from '@synapse-calling/sdk-core';
import type { Unsubscribe } from '../types';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Finds the client for an element: an explicit `client` property wins, then the nearest
 * `<synapse-calling>` (through @lit/context), then the page-level default client. It re-renders
 * the host when the client changes and on every change of the client's snapshot store; the
 * host's other controllers read `client` in `hostUpdate`.
 */
export class ClientController implements ReactiveController {
  private explicit: SynapseClient | undefined;
  private provided: SynapseClient | undefined;
  private current: SynapseClient | undefined;
  private unsubscribeStore: Unsubscribe | undefined;
  private unsubscribeDefault: Unsubscribe | undefined;
  private connected = false;

  constructor(private readonly host: Host) {
    host.addController(this);
    new ContextConsumer(host, {
      context: clientContext,
      subscribe: true,
      callback: (client) => {
        this.provided = client;
        this.resolve();
      },
    });
  }

  /** The client in use, or undefined while none is available. */
  get client(): SynapseClient | undefined {
    return this.current;
  }

  /** Sets (or clears) a client that overrides the provided one. */
  setExplicit(client: SynapseClient | undefined): void {
    this.explicit = client;
    this.resolve();
  }

  hostConnected(): void {
    this.connected = true;
    this.unsubscribeDefault = onDefaultClientChange(() => this.resolve());
    this.resolve(true);
  }

  hostDisconnected(): void {
    this.connected = false;
    this.unsubscribeDefault?.();
    this.unsubscribeDefault = undefined;
    this.teardown();
    this.current = undefined;
  }

  private resolve(force = false): void {
    if (!this.connected) return;
    const next = this.explicit ?? this.provided ?? getDefaultClient();
    if (next === this.current && !force) return;
    this.teardown();
    this.current = next;
    this.unsubscribeStore = next?.subscribe(() => this.host.requestUpdate());
    this.host.requestUpdate();
  }

  private teardown(): void {
    this.unsubscribeStore?.();
    this.unsubscribeStore = undefined;
  }
}
