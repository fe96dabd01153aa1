import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { clientContext, getDefaultClient, onDefaultClientChange } from '../context';
import type { SynapseClient } from '@synapse-calling/sdk-core';
import type { Unsubscribe } from '../types';

type Host = ReactiveControllerHost & HTMLElement;

/**
 * Finds the client for an element: an explicit `client` property wins, then the nearest
 * `<synapse-calling>` (through @lit/context), then the page-level default client. Whenever the
 * client changes it tears down and re-runs `attach`, and it re-renders the host on every change
 * of the client's snapshot store.
 */
export class ClientController implements ReactiveController {
  private explicit: SynapseClient | undefined;
  private provided: SynapseClient | undefined;
  private current: SynapseClient | undefined;
  private detach: Unsubscribe[] = [];
  private unsubscribeDefault: Unsubscribe | undefined;
  private connected = false;

  constructor(
    private readonly host: Host,
    /** Subscribes the owner to `client`; returns what to undo when the client goes away. */
    private readonly attach: (client: SynapseClient) => Unsubscribe[] | void = () => [],
    private readonly changed: (client: SynapseClient | undefined) => void = () => {},
  ) {
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
    if (next) {
      const undo = this.attach(next) ?? [];
      this.detach = [...undo, next.subscribe(() => this.host.requestUpdate())];
    }
    this.changed(next);
    this.host.requestUpdate();
  }

  private teardown(): void {
    for (const undo of this.detach) undo();
    this.detach = [];
  }
}
