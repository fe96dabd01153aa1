import type { IceServer, Media, MediaKind } from '@synapse-calling/protocol';
import type { CallRecord, PartySide } from '../stores/types';

/** How a call's media is set up. One provider per server: LiveKit when configured, else P2P. */
export interface MediaProvider {
  readonly kind: MediaKind;
  /** The room a new call will use, decided by the server; `undefined` for P2P. */
  roomFor(tenant: string, callId: string): string | undefined;
  /** Runs once when the call becomes active (LiveKit: create the room). */
  open(record: CallRecord): Promise<void>;
  /** What one party needs to join the call's media; fresh credentials each time. */
  mediaFor(record: CallRecord, side: PartySide): Promise<Media>;
  /** Runs once after the call ended (LiveKit: delete the room). Must not throw. */
  close(record: CallRecord): Promise<void>;
}

/**
 * Direct WebRTC between the two browsers; the server only relays `media-signal`. The callee is
 * the polite peer of perfect negotiation, so both sides agree without talking about it.
 */
export class P2PMediaProvider implements MediaProvider {
  readonly kind = 'p2p' as const;

  constructor(private readonly iceServers: IceServer[]) {}

  roomFor(): undefined {
    return undefined;
  }

  async open(): Promise<void> {}

  async mediaFor(_record: CallRecord, side: PartySide): Promise<Media> {
    return { kind: 'p2p', iceServers: this.iceServers, polite: side === 'callee' };
  }

  async close(): Promise<void> {}
}
