import type { Logger } from 'pino';
import type {
  Presence,
  ServerEventName,
  ServerEventPayload,
  SettableStatus,
} from '@synapse-calling/protocol';
import type { Identity } from '../auth';
import { KeyedQueue } from '../keyed-queue';
import { userKey } from '../stores/keys';
import type { CallRegistry, PresenceStore, SharedPresenceState } from '../stores/types';
import type { Sight, Visibility } from './visibility';

/** Where presence changes go; implemented over the Socket.IO namespace. */
export interface PresenceEmitter {
  /** To every connection subscribed to the presence of `userId`. */
  toSubscribers<E extends ServerEventName>(
    tenant: string,
    userId: string,
    event: E,
    payload: ServerEventPayload<E>,
  ): void;
}

export interface PresenceManagerDeps {
  store: PresenceStore;
  /** The shown status and the grace windows: per process, or shared by every node. */
  state: SharedPresenceState;
  /** Where "busy" comes from: a user with an active call in it. */
  registry: Pick<CallRegistry, 'forUser'>;
  emitter: PresenceEmitter;
  /** Which users a watcher may see at all. */
  visibility: Pick<Visibility, 'sights'>;
  graceMs: number;
  logger: Logger;
  /** Whether an offline user can still be rung through Web Push (`Presence.pushReachable`). */
  pushReachable?: ((tenant: string, userId: string) => Promise<boolean>) | undefined;
}

/**
 * The server side of presence, for every user (sdk-core's `PresenceManager` is one client's:
 * its subscriptions and its own status). Derives each user's presence from their connection
 * entries (one per connection, never a counter, so a lost disconnect cannot leave a negative or
 * stuck count) and publishes a diff only when the derived status really changes. A user whose
 * last connection drops keeps their status for `graceMs`, so a page reload does not flap
 * offline→online for their subscribers.
 */
export class PresenceManager {
  private readonly queue = new KeyedQueue();
  /** Users this process published as anything but offline, for their lastSeen at shutdown. */
  private readonly tracked = new Map<string, { tenant: string; userId: string }>();
  /** Grace timers of the users whose last connection on this process dropped. */
  private readonly grace = new Map<string, { timer: NodeJS.Timeout; since: number }>();
  /**
   * Users with a live connection on this process: their lastSeen is refreshed periodically. The
   * socket ids in an array: a user has a few connections at most, and a Set costs more.
   */
  private readonly local = new Map<string, { tenant: string; userId: string; sockets: string[] }>();

  constructor(private readonly deps: PresenceManagerDeps) {}

  /**
   * Registers a new connection. `firstSeen` is true when the user had never been seen before:
   * connections that watched the id while nobody had it are told about them then.
   */
  async connected(identity: Identity, socketId: string): Promise<{ firstSeen: boolean }> {
    const { tenant, userId, name, role } = identity;
    const now = Date.now();
    const key = userKey(tenant, userId);
    const entry = this.local.get(key);
    if (!entry) this.local.set(key, { tenant, userId, sockets: [socketId] });
    else if (!entry.sockets.includes(socketId)) entry.sockets = entry.sockets.concat(socketId);
    const firstSeen = !(await this.deps.store.getUser(tenant, userId));
    this.clearGrace(tenant, userId);
    await this.deps.state.clearGrace(tenant, userId);
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
    return { firstSeen };
  }

  async disconnected(
    identity: Pick<Identity, 'tenant' | 'userId'>,
    socketId: string,
  ): Promise<void> {
    const { tenant, userId } = identity;
    this.forgetLocal(tenant, userId, socketId);
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
    await this.deps.state.setGrace(tenant, userId, since, this.deps.graceMs);
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

  /**
   * What `watcher` may know of each id: the presence of the users they may see, and "offline,
   * never seen" for the rest, exactly as for ids nobody uses. `sights` says which was which;
   * `judged` are sights the caller already has, so that the policy is not asked twice.
   */
  async snapshotFor(
    watcher: Identity,
    userIds: string[],
    judged?: ReadonlyMap<string, Sight>,
  ): Promise<{ presence: Presence[]; sights: Map<string, Sight> }> {
    const unjudged = judged ? userIds.filter((id) => !judged.has(id)) : userIds;
    const sights = await this.deps.visibility.sights(watcher, unjudged);
    for (const [id, sight] of judged ?? []) sights.set(id, sight);
    const presence = await Promise.all(
      userIds.map((userId) =>
        sights.get(userId) === 'visible'
          ? this.compute(watcher.tenant, userId)
          : { userId, status: 'offline' as const, lastSeen: null },
      ),
    );
    return { presence, sights };
  }

  /** Current presence of one user, whoever asks (the caller has checked visibility). */
  current(tenant: string, userId: string): Promise<Presence> {
    return this.compute(tenant, userId);
  }

  /** Recomputes a user's presence and publishes it if the status changed. */
  refresh(tenant: string, userId: string): Promise<Presence> {
    const key = userKey(tenant, userId);
    return this.queue.run(key, async () => {
      const presence = await this.compute(tenant, userId);
      const previous = await this.deps.state.swapShown(tenant, userId, presence.status);
      if (presence.status === 'offline') this.tracked.delete(key);
      else this.tracked.set(key, { tenant, userId });
      if (presence.status !== previous) {
        this.deps.emitter.toSubscribers(tenant, userId, 'presence-changed', { presence });
      }
      return presence;
    });
  }

  /**
   * Records "seen now" for every user connected to this process, so that after a crash their
   * lastSeen is the last refresh rather than the moment they connected. Run periodically.
   */
  async touchOnline(): Promise<void> {
    const users = [...this.local.values()].map(({ tenant, userId }) => ({ tenant, userId }));
    if (users.length === 0) return;
    const now = Date.now();
    const { store } = this.deps;
    if (store.touchLastSeen) return store.touchLastSeen(users, now);
    for (const { tenant, userId } of users) {
      const user = await store.getUser(tenant, userId);
      if (user) await store.saveUser({ ...user, lastSeen: now });
    }
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
    // The user came back and left again through another node, whose newer grace decides.
    const current = await this.deps.state.graceSince(tenant, userId);
    if (current !== null && current !== since) return;
    await this.endGrace(tenant, userId, since);
  }

  /**
   * Several nodes: ends the grace windows whose node stopped before its timer fired (e.g. a
   * user who closed the tab just before that node shut down). Run periodically by every node.
   */
  async expireDueGraces(): Promise<void> {
    const { state } = this.deps;
    for (const { tenant, userId } of await state.claimDueGraces(Date.now())) {
      const since = (await state.graceSince(tenant, userId)) ?? Date.now();
      this.clearGrace(tenant, userId);
      await this.endGrace(tenant, userId, since);
    }
  }

  private async endGrace(tenant: string, userId: string, since: number): Promise<void> {
    if ((await this.deps.store.connections(tenant, userId)).length > 0) return;
    await this.deps.state.clearGrace(tenant, userId);
    const user = await this.deps.store.getUser(tenant, userId);
    if (user) await this.deps.store.saveUser({ ...user, lastSeen: since });
    // A chosen status lasts as long as the session does.
    await this.deps.store.setManualStatus(tenant, userId, null);
    await this.refresh(tenant, userId);
  }

  /** By socket id: a dead node's connections, closed here by the sweep, were never local. */
  private forgetLocal(tenant: string, userId: string, socketId: string): void {
    const key = userKey(tenant, userId);
    const entry = this.local.get(key);
    if (!entry) return;
    entry.sockets = entry.sockets.filter((id) => id !== socketId);
    if (entry.sockets.length === 0) this.local.delete(key);
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
    if (conns.length === 0 && !grace) {
      // A grace window another node opened (with one node, this process's own).
      const since = await this.deps.state.graceSince(tenant, userId);
      if (since !== null) grace = { since };
    }
    if (conns.length === 0 && !grace) {
      const user = await this.deps.store.getUser(tenant, userId);
      const presence: Presence = { userId, status: 'offline', lastSeen: user?.lastSeen ?? null };
      if (user && (await this.deps.pushReachable?.(tenant, userId))) presence.pushReachable = true;
      return presence;
    }
    const lastSeen = conns.length > 0 ? Date.now() : (grace?.since ?? Date.now());
    if (await this.inActiveCall(tenant, userId)) return { userId, status: 'busy', lastSeen };
    const manual = await this.deps.store.getManualStatus(tenant, userId);
    if (manual) return { userId, status: manual, lastSeen };
    if (conns.length === 0) {
      // Inside the grace window: keep showing what subscribers already see.
      const shown = await this.deps.state.shown(tenant, userId);
      return { userId, status: shown !== 'busy' ? shown : 'online', lastSeen };
    }
    const status = conns.every((c) => c.idle) ? 'away' : 'online';
    return { userId, status, lastSeen };
  }

  /** Ringing does not count: a user is busy only while actually talking. */
  private async inActiveCall(tenant: string, userId: string): Promise<boolean> {
    const calls = await this.deps.registry.forUser(tenant, userId);
    return calls.some((r) => r.call.state === 'active');
  }
}
