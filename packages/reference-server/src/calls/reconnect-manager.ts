import type { Logger } from 'pino';
import type { SyncedCall } from '@synapse-calling/protocol';
import type { MediaProvider } from '../media/media-provider';
import type { CallLog, CallRecord, CallRegistry, PartySide } from '../stores/types';
import type { Actor } from './actor';
import type { CallEmitter } from './call-events';
import type { CallEnder } from './call-ender';
import { otherSide, sideOf } from './sides';
import { timerKeys, type Timers } from './timers';

export interface ReconnectManagerDeps {
  registry: CallRegistry;
  callLog: CallLog;
  media: MediaProvider;
  emitter: Pick<CallEmitter, 'isConnected'>;
  ender: CallEnder;
  timers: Timers;
  logger: Logger;
  reconnectGraceMs: number;
}

/**
 * Keeps calls alive across lost connections. Each party's call is carried by one connection;
 * when it drops (reload, network change, token expiry, server restart) the call waits
 * `reconnectGraceMs` for the same user to `sync` from a new connection, which takes the call over
 * and gets fresh media. Otherwise the call ends `disconnected` (or `cancelled` while ringing).
 */
export class ReconnectManager {
  constructor(private readonly deps: ReconnectManagerDeps) {}

  /**
   * The user's unfinished calls. A connection that syncs while the party's call connection is
   * gone takes the call over and gets fresh media for it.
   */
  async handleSync(actor: Actor): Promise<SyncedCall[]> {
    const { tenant, userId } = actor.identity;
    const result: SyncedCall[] = [];
    for (let record of await this.deps.registry.forUser(tenant, userId)) {
      const found = sideOf(record, userId);
      // Booked but not a party: a transfer rings this user; whichever tab accepts carries it.
      if (!found) {
        result.push({ call: record.call });
        continue;
      }
      const side: PartySide = found;
      let owner = record.sockets[side];
      // A callee's ringing call belongs to no connection yet: whichever tab accepts carries it.
      const claimable = record.call.state === 'active' || side === 'caller';
      // Another tab may be taking the call over at this moment (on any node): the takeover is a
      // compare-and-set from the owner judged gone, and the loser reads who won.
      // The connection this one replaces is dead even while it still looks connected here.
      for (let tries = 0; tries < 3 && claimable && owner !== actor.socketId; tries++) {
        if (owner && owner !== actor.replaces && (await this.deps.emitter.isConnected(owner)))
          break;
        const claimed = await this.deps.registry.claimSocket(
          record.call.id,
          side,
          owner,
          actor.socketId,
        );
        if (claimed) {
          this.deps.timers.clear(timerKeys.grace(record.call.id, userId));
          record = claimed;
          owner = actor.socketId;
          break;
        }
        const current = await this.deps.registry.get(record.call.id);
        if (!current) break;
        record = current;
        owner = current.sockets[side];
      }
      const synced: SyncedCall = { call: record.call };
      const peerMedia = record.sent?.[otherSide(side)];
      const ownMedia = record.sent?.[side];
      if (peerMedia) synced.peerMedia = peerMedia;
      if (ownMedia) synced.ownMedia = ownMedia;
      if (record.call.state === 'active' && owner === actor.socketId) {
        synced.media = await this.deps.media.mediaFor(record, side);
      }
      result.push(synced);
    }
    return result;
  }

  /** A connection closed: the calls it carried wait `reconnectGraceMs` for a `sync`. */
  async handleConnectionClosed(actor: Actor): Promise<void> {
    const { tenant, userId } = actor.identity;
    for (const record of await this.deps.registry.forUser(tenant, userId)) {
      const side = sideOf(record, userId);
      if (!side || record.sockets[side] !== actor.socketId) continue;
      // Only if still ours: a tab that took the call over meanwhile keeps it, and no grace runs.
      // The deadline goes with the release, so another node ends the call if this one dies.
      const graceUntil = Date.now() + this.deps.reconnectGraceMs;
      if (
        await this.deps.registry.claimSocket(record.call.id, side, actor.socketId, null, graceUntil)
      ) {
        this.startGrace(record.call.id, userId);
      }
    }
  }

  /**
   * After a restart: calls that were ringing end `failed` (their ring timer and both connections
   * are gone, and a restart is not the callee missing the call); active calls come back with no
   * connection and wait the grace window for each party to sync.
   */
  async recover(): Promise<void> {
    for (const entry of await this.deps.callLog.listUnfinished()) {
      // With a shared registry (several nodes) the call lives on, carried by another node.
      if (await this.deps.registry.get(entry.call.id)) continue;
      const graceUntil = Date.now() + this.deps.reconnectGraceMs;
      const record: CallRecord = {
        call: entry.call,
        tenant: entry.tenant,
        media: entry.media,
        room: entry.room,
        sockets: { caller: null, callee: null },
        deadlines: { grace: { caller: graceUntil, callee: graceUntil } },
      };
      const restored = entry.call.state === 'active' && (await this.deps.registry.create(record));
      if (restored && restored.ok) {
        // The room may have emptied out and been closed by LiveKit while we were down.
        await this.deps.media.open(record).catch((err: unknown) => {
          this.deps.logger.warn({ err, callId: record.call.id }, 'could not reopen the room');
        });
        this.startGrace(record.call.id, record.call.from.id);
        this.startGrace(record.call.id, record.call.to.id);
        continue;
      }
      await this.deps.ender.recordEnded(record, 'failed');
    }
  }

  private startGrace(callId: string, userId: string): void {
    this.deps.timers.set(timerKeys.grace(callId, userId), this.deps.reconnectGraceMs, () => {
      void this.graceExpired(callId, userId);
    });
  }

  private async graceExpired(callId: string, userId: string): Promise<void> {
    try {
      const record = await this.deps.registry.get(callId);
      const side = record && sideOf(record, userId);
      // Someone synced meanwhile (the timer was cleared, but be sure): the call goes on.
      if (!record || !side || record.sockets[side] !== null) return;
      const reason = record.call.state === 'ringing' ? 'cancelled' : 'disconnected';
      await this.deps.ender.endIfStill(callId, record.call.state, reason, userId);
    } catch (err) {
      this.deps.logger.error({ err, callId }, 'grace expiry failed');
    }
  }
}
