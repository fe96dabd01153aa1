import type { IceServer, Media, MediaKind, MediaSignal, Party } from '@synapse-calling/protocol';
import type { CallRecord, PartySide } from '../stores/types';
import { relayCandidatesOnly } from './candidate-filter';
import type { RelayOnlyRule } from './relay-policy';
import { turnIceServer, type TurnOptions } from './turn';

/** How a call's media is set up. One provider per server: LiveKit when configured, else P2P. */
export interface MediaProvider {
  readonly kind: MediaKind;
  /** The room a new call will use, decided by the server; `undefined` for P2P. */
  roomFor(tenant: string, callId: string): string | undefined;
  /**
   * The call started ringing: get its media ready so that `open` has less to do when it is
   * answered (LiveKit: create the room now). Gives no one access. Absent: nothing to prepare.
   * Must not throw; `close` runs for a prepared call that ends unanswered.
   */
  prepare?(record: CallRecord): void;
  /** Runs once when the call becomes active (LiveKit: the room exists when this resolves). */
  open(record: CallRecord): Promise<void>;
  /** What one party needs to join the call's media; fresh credentials each time. */
  mediaFor(record: CallRecord, side: PartySide): Promise<Media>;
  /**
   * A `media-signal` from `from` on its way to the other party (P2P only): what to deliver
   * instead, or `null` to deliver nothing. Absent: delivered as sent.
   */
  filterSignal?(
    record: CallRecord,
    from: PartySide,
    signal: MediaSignal,
  ): Promise<MediaSignal | null>;
  /**
   * A party left a call that goes on (it was transferred): LiveKit removes their participant
   * from the room. Absent (P2P): nothing to do, the staying party opens a new peer connection.
   * Must not throw.
   */
  removeParty?(record: CallRecord, userId: string): Promise<void>;
  /**
   * Warm transfer (docs/lines.md): what `party` (the transferring agent or the target) needs to
   * reach the other for the consultation, beside the call (P2P: a second peer connection, the
   * target polite; LiveKit: a consult room of its own). Absent: warm transfers are refused.
   */
  consultMedia?(record: CallRecord, party: Party, polite: boolean): Promise<Media>;
  /**
   * Warm transfer: while `held`, neither party of the call receives anything of the other
   * (LiveKit: both lose `canSubscribe` in the call's room, whatever their clients do). Absent
   * (P2P): the agent's client stops sending on the call's peer connection. Must not throw.
   */
  hold?(record: CallRecord, held: boolean): Promise<void>;
  /** The consultation ended (LiveKit: delete the consult room). Must not throw. */
  closeConsult?(record: CallRecord): Promise<void>;
  /**
   * Runs once after the call ended (LiveKit: delete the room), an unanswered one too when the
   * provider prepares. Must not throw.
   */
  close(record: CallRecord): Promise<void>;
}

export interface P2PMediaOptions {
  /** Handed to every party as configured (STUN, or TURN with static credentials). */
  iceServers: IceServer[];
  /** A TURN server with a shared secret: each party gets its own short-lived credential. */
  turn?: TurnOptions | undefined;
  /** Whose addresses the other party must not learn (see `relayOnly` in the server options). */
  relayOnly: RelayOnlyRule;
}

/**
 * Direct WebRTC between the two browsers; the server only relays `media-signal`. The callee is
 * the polite peer of perfect negotiation, so both sides agree without talking about it.
 */
export class P2PMediaProvider implements MediaProvider {
  readonly kind = 'p2p' as const;

  constructor(private readonly options: P2PMediaOptions) {}

  roomFor(): undefined {
    return undefined;
  }

  async open(): Promise<void> {}

  async mediaFor(record: CallRecord, side: PartySide): Promise<Media> {
    const { turn } = this.options;
    const party = side === 'caller' ? record.call.from : record.call.to;
    const iceServers = turn
      ? [...this.options.iceServers, turnIceServer(turn, `${record.tenant}/${party.id}`)]
      : this.options.iceServers;
    const media: Media = { kind: 'p2p', iceServers, polite: side === 'callee' };
    if (await this.hidden(record, side)) media.iceTransportPolicy = 'relay';
    return media;
  }

  async filterSignal(
    record: CallRecord,
    from: PartySide,
    signal: MediaSignal,
  ): Promise<MediaSignal | null> {
    return (await this.hidden(record, from)) ? relayCandidatesOnly(signal) : signal;
  }

  async consultMedia(record: CallRecord, party: Party, polite: boolean): Promise<Media> {
    const { turn } = this.options;
    const iceServers = turn
      ? [...this.options.iceServers, turnIceServer(turn, `${record.tenant}/${party.id}`)]
      : this.options.iceServers;
    // Agents of one tenant: the customer-facing relay rule does not concern them.
    return { kind: 'p2p', iceServers, polite };
  }

  async close(): Promise<void> {}

  /** Whether `side`'s addresses must be kept from the other party. */
  private async hidden(record: CallRecord, side: PartySide): Promise<boolean> {
    const { call, tenant } = record;
    const [party, peer] = side === 'caller' ? [call.from, call.to] : [call.to, call.from];
    return this.options.relayOnly({ ...party, tenant }, { ...peer, tenant });
  }
}
