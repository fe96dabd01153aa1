import type { Logger } from 'pino';
import type { Presence, PresenceStatus, SettableStatus } from '@synapse-calling/protocol';
import type { Identity } from '../auth';
import { KeyedQueue } from '../keyed-queue';
import { userKey } from '../stores/keys';
import type { SharedPresenceState } from '../stores/redis-presence-store';
import type { PresenceStore } from '../stores/types';

export interface PresenceManagerDeps {
  store: PresenceStore;
  /** Whether the user is in an active call (shown as `busy`). */
  isInCall: (tenant: string, userId: string) => Promise<boolean>;
  /** Sends a changed presence to the user's subscribers. */
  publish: (tenant: string, presence: Presence) => void;
  graceMs: number;
  logger: Logger;
  /**
   * Several nodes: the shown status and the grace window live here instead of only in this
   * process, so that a diff computed on any node is compared with what subscribers really saw.
   */
  shared?: SharedPresenceState;
}

interface Tracked {
  tenant: string;
  userId: string;
  status: PresenceStatus;
}

/**
 * Derives each user's presence from their connection entries (one per connection, never a
 * counter, so a lost disconnect cannot leave a negative or stuck count) and publishes a diff
 * only when the derived status really changes. A user whose last connection drops keeps their
 * status for `graceMs`, so a page reload does not flap offline→online for their subscribers.
 */
export class PresenceManager {
  private readonly queue = new KeyedQueue();
  /** Last published status of every user not offline. */
  private readonly tracked = new Map<string, Tracked>();
  /** Users whose last connection dropped, with the moment it did. */
  private readonly grace = new Map<string, { timer: NodeJS.Timeout; since: number }>();

  constructor(private readonly deps: PresenceManagerDeps) {}

  async connected(identity: Identity, socketId: string): Promise<void> {
    const { tenant, userId, name, role } = identity;
    const now = Date.now();
    this.clearGrace(tenant, userId);
    await this.deps.shared?.clearGrace(tenant, userId);
    await this.deps.store.addConnection({
      socketId,
      tenant,
      userId,
      name,
      role,
      idle: false,
      connectedAt: now,
    });
    // Remembering name and role lets the call policy judge callees that are offline right now.
    await this.deps.store.saveUser({ tenant, userId, name, role, lastSeen: now });
    await this.refresh(tenant, userId);
  }

  async disconnected(
    identity: Pick<Identity, 'tenant' | 'userId'>,
    socketId: string,
  ): Promise<void> {
    const { tenant, userId } = identity;
    const remaining = await this.deps.store.removeConnection(tenant, userId, socketId);
    if (remaining > 0) {
      await this.refresh(tenant, userId);
      return;
    }
    const key = userKey(tenant, userId);
    this.clearGrace(tenant, userId);
    const since = Date.now();
    const timer = setTimeout(() => {
      void this.expire(identity, since).catch((err: unknown) =>
        this.deps.logger.error({ err }, 'presence expiry failed'),
      );
    }, this.deps.graceMs);
    timer.unref();
    this.grace.set(key, { timer, since });
    await this.deps.shared?.setGrace(tenant, userId, since, this.deps.graceMs);
  }

  async heartbeat(identity: Identity, socketId: string, idle: boolean | undefined): Promise<void> {
    if (idle !== undefined) {
      await this.deps.store.setIdle(identity.tenant, identity.userId, socketId, idle);
    }
    await this.refresh(identity.tenant, identity.userId);
  }

  async setStatus(identity: Identity, status: SettableStatus): Promise<Presence> {
    const manual = status === 'online' ? null : status;
    await this.deps.store.setManualStatus(identity.tenant, identity.userId, manual);
    return this.refresh(identity.tenant, identity.userId);
  }

  /** Current presence of users of one tenant; unknown ids look like never-seen offline users. */
  async snapshot(tenant: string, userIds: string[]): Promise<Presence[]> {
    return Promise.all(userIds.map((id) => this.compute(tenant, id)));
  }

  /** Recomputes a user's presence and publishes it if the status changed. */
  refresh(tenant: string, userId: string): Promise<Presence> {
    const key = userKey(tenant, userId);
    return this.queue.run(key, async () => {
      const presence = await this.compute(tenant, userId);
      const previous = this.deps.shared
        ? await this.deps.shared.swapShown(tenant, userId, presence.status)
        : (this.tracked.get(key)?.status ?? 'offline');
      if (presence.status === 'offline') this.tracked.delete(key);
      else this.tracked.set(key, { tenant, userId, status: presence.status });
      if (presence.status !== previous) this.deps.publish(tenant, presence);
      return presence;
    });
  }

  /** Stops the grace timers and records lastSeen for everyone still online (shutdown). */
  async close(): Promise<void> {
    for (const { timer } of this.grace.values()) clearTimeout(timer);
    this.grace.clear();
    const now = Date.now();
    for (const { tenant, userId } of this.tracked.values()) {
      const user = await this.deps.store.getUser(tenant, userId);
      if (user) await this.deps.store.saveUser({ ...user, lastSeen: now });
    }
  }

  private async expire(
    identity: Pick<Identity, 'tenant' | 'userId'>,
    since: number,
  ): Promise<void> {
    const { tenant, userId } = identity;
    const key = userKey(tenant, userId);
    if (this.grace.get(key)?.since !== since) return;
    this.grace.delete(key);
    if (this.deps.shared) {
      // The user came back and left again through another node, whose newer grace decides.
      const shared = await this.deps.shared.graceSince(tenant, userId);
      if (shared !== null && shared !== since) return;
    }
    await this.endGrace(tenant, userId, since);
  }

  /**
   * Several nodes: ends the grace windows whose node stopped before its timer fired (e.g. a
   * user who closed the tab just before that node shut down). Run periodically by every node.
   */
  async expireDueGraces(): Promise<void> {
    const shared = this.deps.shared;
    if (!shared) return;
    for (const { tenant, userId } of await shared.claimDueGraces(Date.now())) {
      const since = (await shared.graceSince(tenant, userId)) ?? Date.now();
      this.clearGrace(tenant, userId);
      await this.endGrace(tenant, userId, since);
    }
  }

  private async endGrace(tenant: string, userId: string, since: number): Promise<void> {
    if ((await this.deps.store.connections(tenant, userId)).length > 0) return;
    await this.deps.shared?.clearGrace(tenant, userId);
    const user = await this.deps.store.getUser(tenant, userId);
    if (user) await this.deps.store.saveUser({ ...user, lastSeen: since });
    // A chosen status lasts as long as the session does.
    await this.deps.store.setManualStatus(tenant, userId, null);
    await this.refresh(tenant, userId);
  }

  private clearGrace(tenant: string, userId: string): void {
    const key = userKey(tenant, userId);
    const entry = this.grace.get(key);
    if (entry) clearTimeout(entry.timer);
    this.grace.delete(key);
  }

  private async compute(tenant: string, userId: string): Promise<Presence> {
    const key = userKey(tenant, userId);
    const conns = await this.deps.store.connections(tenant, userId);
    let grace: { since: number } | undefined = this.grace.get(key);
    if (conns.length === 0 && !grace && this.deps.shared) {
      const since = await this.deps.shared.graceSince(tenant, userId);
      if (since !== null) grace = { since };
    }
    if (conns.length === 0 && !grace) {
      const user = await this.deps.store.getUser(tenant, userId);
      return { userId, status: 'offline', lastSeen: user?.lastSeen ?? null };
    }
    const lastSeen = conns.length > 0 ? Date.now() : (grace?.since ?? Date.now());
    if (await this.deps.isInCall(tenant, userId)) return { userId, status: 'busy', lastSeen };
    const manual = await this.deps.store.getManualStatus(tenant, userId);
    if (manual) return { userId, status: manual, lastSeen };
    if (conns.length === 0) {
      // Inside the grace window: keep showing what subscribers already see.
      const shown = this.deps.shared
        ? await this.deps.shared.shown(tenant, userId)
        : this.tracked.get(key)?.status;
      return { userId, status: shown && shown !== 'busy' ? shown : 'online', lastSeen };
    }
    const status = conns.every((c) => c.idle) ? 'away' : 'online';
    return { userId, status, lastSeen };
  }
}
