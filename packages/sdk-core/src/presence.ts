import { ActivityMonitor } from './activity';
import { TypedEmitter } from './emitter';
import { toSynapseError, type SynapseError } from './errors';
import { LIMITS, type Presence, type SettableStatus } from '@synapse-calling/protocol';
import type { SignalingManager } from './signaling';
import type { OwnStatus } from './types';

export interface PresenceManagerOptions {
  /** Auto-away after this much inactivity; false disables inactivity (hidden tabs still idle). */
  idleTimeoutMs: number | false;
  heartbeatIntervalMs: number;
}

export interface PresenceEvents {
  /** A watched user's presence changed (or arrived for the first time). */
  presenceChanged: (presence: Presence) => void;
  /** This user's own status changed (explicitly or by auto-away). */
  statusChanged: (status: OwnStatus) => void;
  error: (err: SynapseError) => void;
}

/** Listener of {@link PresenceManager.watch}. */
export type PresenceListener = (presence: Presence) => void;

/**
 * The client side's presence (`client.presence`): which users this page watches and this user's
 * own status. Not the reference server's `PresenceManager`, which derives every user's presence
 * from their connections and publishes it.
 *
 * Many components may watch the same user (a contact list and an open record both show Ann):
 * watchers are reference-counted so the server sees one subscription per user, new ids watched
 * in the same tick go out as one `subscribe-presence` (chunked at the protocol's 500-id limit),
 * and the last watcher leaving unsubscribes. After a reconnect the whole set is subscribed again
 * because the server forgets a dropped connection's subscriptions.
 */
export class PresenceManager extends TypedEmitter<PresenceEvents> {
  private readonly watchers = new Map<string, Set<PresenceListener>>();
  private readonly cache = new Map<string, Presence>();
  /** Ids the server currently has a subscription for (as far as we sent). */
  private readonly subscribed = new Set<string>();
  private flushScheduled = false;
  private chosen: SettableStatus = 'online';
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private readonly activity: ActivityMonitor;
  private lastStatus: OwnStatus = 'online';

  constructor(
    private readonly signaling: SignalingManager,
    private readonly options: PresenceManagerOptions,
  ) {
    super();
    this.activity = new ActivityMonitor(options.idleTimeoutMs);
    this.activity.on('idleChanged', () => {
      this.sendHeartbeat();
      this.updateStatus();
    });
    signaling.onServer('presence-changed', ({ presence }) => this.apply([presence]));
  }

  /**
   * This user's status as others see it: the status chosen with `setStatus`, or `away` while the
   * user is idle or the tab hidden (auto-away never overrides `dnd`).
   */
  get status(): OwnStatus {
    return this.chosen === 'online' && this.activity.idle ? 'away' : this.chosen;
  }

  /** True while this user is idle or the tab is hidden. */
  get idle(): boolean {
    return this.activity.idle;
  }

  /**
   * Last known presence of a watched user, or undefined when not watched or not yet known.
   *
   * @example
   * const canCall = client.presence.get('ann')?.status === 'online';
   */
  get(userId: string): Presence | undefined {
    return this.cache.get(userId);
  }

  /**
   * Presence of every watched user that is known.
   *
   * @example
   * const online = client.presence.getAll().filter((p) => p.status === 'online');
   */
  getAll(): Presence[] {
    return [...this.cache.values()];
  }

  /**
   * Calls `listener` with the presence of each of `userIds` now (when known) and whenever it
   * changes. Returns the unsubscribe function.
   *
   * @example
   * const stop = client.presence.watch(['ann', 'bob'], (p) => {
   *   document.querySelector(`[data-user="${p.userId}"]`)?.setAttribute('data-status', p.status);
   * });
   * stop(); // when those users leave the page
   */
  watch(userIds: string | readonly string[], listener: PresenceListener): () => void {
    const ids = [...new Set(typeof userIds === 'string' ? [userIds] : userIds)];
    const known: Presence[] = [];
    for (const id of ids) {
      let set = this.watchers.get(id);
      if (!set) this.watchers.set(id, (set = new Set()));
      set.add(listener);
      const cached = this.cache.get(id);
      if (cached) known.push(cached);
    }
    this.scheduleFlush();
    if (known.length) {
      // Asynchronously, so a listener never runs before watch() has returned its unsubscribe.
      queueMicrotask(() => {
        for (const p of known) if (this.watchers.get(p.userId)?.has(listener)) listener(p);
      });
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      for (const id of ids) {
        const set = this.watchers.get(id);
        if (!set) continue;
        set.delete(listener);
        if (set.size === 0) {
          this.watchers.delete(id);
          this.cache.delete(id);
        }
      }
      this.scheduleFlush();
    };
  }

  /**
   * Sets this user's status for all their connections.
   *
   * @example
   * await client.presence.setStatus('dnd'); // every tab and device of this user goes `dnd`
   */
  async setStatus(status: SettableStatus): Promise<void> {
    const previous = this.chosen;
    this.chosen = status;
    this.updateStatus();
    try {
      await this.signaling.request('set-status', { status });
    } catch (err) {
      this.chosen = previous;
      this.updateStatus();
      throw toSynapseError(err);
    }
  }

  /**
   * Tells presence the user is active (for apps that see input the SDK cannot).
   *
   * @example
   * // Input inside a cross-origin iframe never reaches this page's listeners.
   * window.addEventListener('message', (e) => {
   *   if (e.data === 'user-active') client.presence.reportActivity();
   * });
   */
  reportActivity(): void {
    this.activity.reportActivity();
  }

  /** @internal Called by the client once the socket is connected (first time or again). */
  async handleConnected(ownPresence: Presence[]): Promise<void> {
    this.activity.start();
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), this.options.heartbeatIntervalMs);
    this.apply(ownPresence.filter((p) => this.watchers.has(p.userId)));
    // A new connection starts with no subscriptions; re-establish what is watched.
    this.subscribed.clear();
    const tasks: Promise<unknown>[] = [this.flush()];
    if (this.chosen !== 'online') {
      tasks.push(this.signaling.request('set-status', { status: this.chosen }));
    }
    if (this.activity.idle) this.sendHeartbeat();
    await Promise.allSettled(tasks);
  }

  /** @internal The connection dropped. */
  handleDisconnected(final: boolean): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    if (final) this.activity.stop();
  }

  private sendHeartbeat(): void {
    if (!this.signaling.connected) return;
    this.signaling.notify('heartbeat', { idle: this.activity.idle });
  }

  private updateStatus(): void {
    const status = this.status;
    if (status === this.lastStatus) return;
    this.lastStatus = status;
    this.emit('statusChanged', status);
  }

  private apply(list: Presence[]): void {
    for (const presence of list) {
      if (!this.watchers.has(presence.userId)) continue;
      const old = this.cache.get(presence.userId);
      if (old && old.status === presence.status && old.lastSeen === presence.lastSeen) continue;
      this.cache.set(presence.userId, presence);
      for (const listener of [...(this.watchers.get(presence.userId) ?? [])]) listener(presence);
      this.emit('presenceChanged', presence);
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One microtask gathers every watch()/unwatch made in the same tick into one request.
    queueMicrotask(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  /** Sends the difference between what is watched and what the server has. */
  private async flush(): Promise<void> {
    if (!this.signaling.connected) return;
    const add = [...this.watchers.keys()].filter((id) => !this.subscribed.has(id));
    const remove = [...this.subscribed].filter((id) => !this.watchers.has(id));
    for (const id of add) this.subscribed.add(id);
    for (const id of remove) this.subscribed.delete(id);
    const jobs: Promise<void>[] = [];
    for (const ids of chunks(remove, LIMITS.maxPresenceIds)) {
      jobs.push(
        this.signaling.request('unsubscribe-presence', { userIds: ids }).then(
          () => undefined,
          () => undefined, // the server drops it with the connection anyway
        ),
      );
    }
    for (const ids of chunks(add, LIMITS.maxPresenceIds)) {
      jobs.push(
        this.signaling.request('subscribe-presence', { userIds: ids }).then(
          ({ presence }) => this.apply(presence),
          (err: unknown) => {
            // Forget them so the next flush (or reconnect) tries again.
            for (const id of ids) this.subscribed.delete(id);
            const error = toSynapseError(err);
            // Offline is not news (the reconnect subscribes again); anything else is.
            if (error.code !== 'not-connected') this.emit('error', error);
          },
        ),
      );
    }
    await Promise.all(jobs);
  }
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
