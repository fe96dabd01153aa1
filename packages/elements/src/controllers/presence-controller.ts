import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Presence, SynapseClient } from '@synapse-calling/sdk-core';
import type { Unsubscribe } from '../types';
import type { ClientController } from './client-controller';

/**
 * Watches one user's presence through `client.presence.watch` (the server sends a snapshot, then
 * diffs) and re-renders the host when it changes. Before each host update it checks whether the
 * user id or the client changed and re-watches; it unwatches when the host leaves the document.
 */
export class PresenceController implements ReactiveController {
  private watchedId = '';
  private watchedClient: SynapseClient | undefined;
  private latest: Presence | undefined;
  private unwatch: Unsubscribe | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly clients: ClientController,
    private readonly userId: () => string | null | undefined,
  ) {
    host.addController(this);
  }

  /** The last known presence of the watched user, if any. */
  get presence(): Presence | undefined {
    return this.latest;
  }

  hostUpdate(): void {
    const id = this.userId() ?? '';
    const client = this.clients.client;
    if (id === this.watchedId && client === this.watchedClient) return;
    this.stop();
    this.watchedId = id;
    this.watchedClient = client;
    if (!id || !client) return;
    this.latest = client.presence.get(id);
    this.unwatch = client.presence.watch([id], (presence) => {
      if (presence.userId !== this.watchedId) return;
      this.latest = presence;
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.stop();
    this.watchedId = '';
    this.watchedClient = undefined;
  }

  private stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    this.latest = undefined;
  }
}
