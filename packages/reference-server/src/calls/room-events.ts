import type { LiveKitTokenResponse } from '@synapse-calling/protocol';
import type { Identity } from '../auth';
import { fail } from '../errors';
import type { MediaProvider } from '../media/media-provider';
import { withDeadline } from '../stores/deadlines';
import type { CallRecord, CallRegistry, PartySide } from '../stores/types';
import type { CallManager } from './call-manager';
import { sideOf } from './sides';
import { timerKeys, type Timers } from './timers';

/**
 * What LiveKit tells us about the rooms of our calls, and fresh room tokens. A party that leaves
 * the room (tab closed, network gone) gets the reconnect grace window to rejoin before the call
 * ends `disconnected` — the same rule as for a dropped signalling connection.
 */
export class RoomEvents {
  /** The call manager's timers: ending a call then also stops its room grace timers. */
  private readonly timers: Timers;

  constructor(
    private readonly registry: CallRegistry,
    private readonly media: MediaProvider,
    private readonly calls: CallManager,
    private readonly graceMs: number,
  ) {
    this.timers = calls.timers;
  }

  async participantLeft(room: string, userId: string): Promise<void> {
    const record = await this.byRoom(room);
    const side = record && sideOf(record, userId);
    if (!record || record.call.state !== 'active' || !side) return;
    const callId = record.call.id;
    // Stored with the call: if this node dies before its timer fires, another node ends the call.
    const at = Date.now() + this.graceMs;
    await this.registry.transition(callId, 'active', (cur) => withDeadline(cur, 'room', side, at));
    this.timers.set(timerKeys.room(callId, userId), this.graceMs, () => {
      void this.roomGraceExpired(callId, side, userId);
    });
  }

  async participantJoined(room: string, userId: string): Promise<void> {
    const record = await this.byRoom(room);
    const side = record && sideOf(record, userId);
    if (!record || !side) return;
    this.timers.clear(timerKeys.room(record.call.id, userId));
    // The join may reach another node than the leave did: that node's timer reads this.
    if (record.deadlines?.room?.[side] !== undefined) {
      await this.registry.transition(record.call.id, 'active', (cur) =>
        withDeadline(cur, 'room', side, undefined),
      );
    }
  }

  /**
   * `POST /api/livekit/token`: a fresh token for a party of an active LiveKit call. Anyone else
   * gets not-found, whatever the call's state or media, so that ids cannot be probed.
   */
  async token(identity: Identity, callId: string): Promise<LiveKitTokenResponse> {
    const record = await this.registry.get(callId);
    const side = record && record.tenant === identity.tenant && sideOf(record, identity.userId);
    if (!record || !side) throw fail.notFound();
    if (record.media !== 'livekit') throw fail.invalidState('the call uses peer-to-peer media');
    if (record.call.state !== 'active') throw fail.invalidState('the call is not active');
    const media = await this.media.mediaFor(record, side);
    if (media.kind !== 'livekit') throw fail.invalidState('the call uses peer-to-peer media');
    return { url: media.url, token: media.token, room: media.room };
  }

  private async roomGraceExpired(callId: string, side: PartySide, userId: string): Promise<void> {
    // Unreadable (Redis down): do nothing; a later recovery pass ends the call if it is due.
    const record = await this.registry.get(callId).catch(() => undefined);
    // Rejoined (the join was handled on another node): the deadline is gone.
    if (record?.deadlines?.room?.[side] === undefined) return;
    await this.calls.endIfStill(callId, 'active', 'disconnected', userId);
  }

  private async byRoom(room: string): Promise<CallRecord | undefined> {
    // Room names end with the call id (a UUID, 36 characters); the stored name must match.
    const record = await this.registry.get(room.slice(-36));
    return record?.room === room ? record : undefined;
  }
}
