import type { RoomServiceClient } from 'livekit-server-sdk';
import type { Logger } from 'pino';
import type { LiveKitMedia, Party, VideoSource } from '@synapse-calling/protocol';
import { DEFAULTS, type LiveKitOptions } from '../options';
import type { CallRecord, PartySide } from '../stores/types';
import type { LiveKitServerSdk } from '../optional-deps';
import type { MediaProvider } from './media-provider';

/** The video sources one party of a call may publish (the `canPublish` policy). */
export type PublishSources = (record: CallRecord, side: PartySide) => Promise<VideoSource[]>;

/**
 * Media through a LiveKit SFU. The server alone names rooms (tenant-prefixed), creates them for
 * exactly two participants, and mints short-lived tokens that can join only that room.
 */
export class LiveKitMediaProvider implements MediaProvider {
  readonly kind = 'livekit' as const;
  private readonly rooms: RoomServiceClient;
  private readonly ttl: number;
  private readonly emptyTimeout: number;
  /** Rooms created while their calls ring (`prepare`), by name: whether it worked, and when. */
  private readonly prepared = new Map<string, { ready: Promise<boolean>; at: number }>();

  constructor(
    private readonly options: LiveKitOptions,
    private readonly logger: Logger,
    /** `livekit-server-sdk`, an optional peer loaded by the server only when LiveKit is set. */
    private readonly sdk: LiveKitServerSdk,
    /** Unset: every source may be published. */
    private readonly sources?: PublishSources,
  ) {
    const apiUrl = options.apiUrl ?? options.url.replace(/^ws(s?):\/\//, 'http$1://');
    this.rooms = new sdk.RoomServiceClient(apiUrl, options.apiKey, options.apiSecret);
    this.ttl = options.tokenTtlSeconds ?? DEFAULTS.livekitTokenTtlSeconds;
    this.emptyTimeout = options.emptyTimeoutSeconds ?? DEFAULTS.livekitEmptyTimeoutSeconds;
  }

  roomFor(tenant: string, callId: string): string {
    // Only cosmetic for operators: the call id alone makes the name unique.
    const prefix = tenant.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
    return `${prefix}-${callId}`;
  }

  /**
   * Creates the room while the call rings: answering then waits for no round trip to LiveKit
   * (the first one of a server process took 200 ms here). Nobody gets a token before accept.
   */
  prepare(record: CallRecord): void {
    const room = roomOf(record);
    const now = Date.now();
    // Calls answered or ended on another node of a cluster leave their entries here.
    for (const [name, { at }] of this.prepared) {
      if (now - at > this.emptyTimeout * 1000) this.prepared.delete(name);
    }
    const ready = this.createRoom(room).then(
      () => true,
      (err: unknown) => {
        this.logger.warn({ err, room }, 'livekit room could not be created while ringing');
        return false;
      },
    );
    this.prepared.set(room, { ready, at: now });
  }

  async open(record: CallRecord): Promise<void> {
    const room = roomOf(record);
    const prepared = this.prepared.get(room);
    this.prepared.delete(room);
    // LiveKit closes a room nobody joined after `emptyTimeout`: after a long ring, make it again.
    const fresh = prepared && Date.now() - prepared.at < (this.emptyTimeout * 1000) / 2;
    if (fresh && (await prepared.ready)) return;
    await this.createRoom(room);
  }

  private async createRoom(name: string): Promise<void> {
    await this.rooms.createRoom({ name, maxParticipants: 2, emptyTimeout: this.emptyTimeout });
  }

  async mediaFor(record: CallRecord, side: PartySide): Promise<LiveKitMedia> {
    const party = side === 'caller' ? record.call.from : record.call.to;
    // A token minted during a warm transfer's consultation (a reconnect) keeps the hold.
    const held = record.call.transfer?.state === 'consulting';
    const permission = await this.permission(record, side, !held);
    return this.tokenFor(roomOf(record), party, permission);
  }

  /** Warm transfer: a token to the consult room, created on first use (agents only: audio). */
  async consultMedia(record: CallRecord, party: Party): Promise<LiveKitMedia> {
    const room = consultRoomOf(record);
    await this.createRoom(room);
    const { TrackSource } = this.sdk;
    return this.tokenFor(room, party, {
      canPublish: true,
      canPublishSources: [TrackSource.MICROPHONE],
      canSubscribe: true,
      canPublishData: true,
    });
  }

  /**
   * Warm transfer: while held, the call's two participants cannot subscribe in its room, so the
   * customer hears nothing of the consultation whatever the agent's client sends (LiveKit
   * subscribes them again when the permission returns).
   */
  async hold(record: CallRecord, held: boolean): Promise<void> {
    const room = roomOf(record);
    for (const side of ['caller', 'callee'] as const) {
      const party = side === 'caller' ? record.call.from : record.call.to;
      try {
        // The permission is replaced whole, so it repeats what the token granted.
        const permission = await this.permission(record, side, !held);
        await this.rooms.updateParticipant(room, party.id, undefined, permission);
      } catch (err) {
        // Not in the room (yet, or reconnecting): their next token carries the right grant.
        this.logger.debug({ err, room, held }, 'livekit hold update failed');
      }
    }
  }

  async closeConsult(record: CallRecord): Promise<void> {
    try {
      await this.rooms.deleteRoom(consultRoomOf(record));
    } catch (err) {
      this.logger.debug({ err, room: record.room }, 'livekit consult room delete failed');
    }
  }

  async removeParty(record: CallRecord, userId: string): Promise<void> {
    try {
      await this.rooms.removeParticipant(roomOf(record), userId);
    } catch (err) {
      // Not in the room (never joined, left already): nothing to remove.
      this.logger.debug({ err, room: record.room }, 'livekit participant remove failed');
    }
  }

  async close(record: CallRecord): Promise<void> {
    const room = roomOf(record);
    const prepared = this.prepared.get(room);
    this.prepared.delete(room);
    // A call cancelled at once: deleting before the creation lands would leave the room behind.
    await prepared?.ready;
    try {
      await this.rooms.deleteRoom(room);
    } catch (err) {
      // Already gone (empty timeout) is fine; anything else only costs an idle room.
      this.logger.debug({ err, room: record.room }, 'livekit room delete failed');
    }
  }

  /** What one party may do in the call's room; `canSubscribe` false while a warm transfer holds. */
  private async permission(record: CallRecord, side: PartySide, canSubscribe: boolean) {
    const { TrackSource } = this.sdk;
    const video = (await this.sources?.(record, side)) ?? ['camera', 'screen'];
    return {
      canPublish: true,
      // The SFU refuses any other source, whatever a modified client tries.
      canPublishSources: [
        TrackSource.MICROPHONE,
        ...(video.includes('camera') ? [TrackSource.CAMERA] : []),
        ...(video.includes('screen') ? [TrackSource.SCREEN_SHARE] : []),
      ],
      canSubscribe,
      canPublishData: true,
    };
  }

  private async tokenFor(
    room: string,
    party: Party,
    grant: Awaited<ReturnType<LiveKitMediaProvider['permission']>>,
  ): Promise<LiveKitMedia> {
    const token = new this.sdk.AccessToken(this.options.apiKey, this.options.apiSecret, {
      identity: party.id,
      name: party.name,
      ttl: this.ttl,
    });
    token.addGrant({ room, roomJoin: true, ...grant });
    return { kind: 'livekit', url: this.options.url, token: await token.toJwt(), room };
  }
}

/** The room of a warm transfer's consultation: the call's own name, suffixed. */
function consultRoomOf(record: CallRecord): string {
  return `${roomOf(record)}-consult`;
}

function roomOf(record: CallRecord): string {
  if (!record.room) throw new Error(`call ${record.call.id} has no LiveKit room`);
  return record.room;
}
