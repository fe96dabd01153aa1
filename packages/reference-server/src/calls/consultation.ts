import type { Logger } from 'pino';
import type { AcceptResult, CallTransfer, Media, MediaSignal } from '@synapse-calling/protocol';
import { fail } from '../errors';
import type { MediaProvider } from '../media/media-provider';
import type { CallRecord, CallRegistry, PartySide } from '../stores/types';
import type { Actor } from './actor';
import type { CallEmitter } from './call-events';
import { otherSide, sideOf } from './sides';

export interface ConsultationDeps {
  registry: Required<Pick<CallRegistry, 'rebook'>>;
  media: Pick<MediaProvider, 'consultMedia' | 'hold' | 'closeConsult'>;
  emitter: CallEmitter;
  logger: Logger;
  /** Stops the transfer's ring timer. */
  stopRinging(callId: string): void;
  /** Stops the transfer (consultation media could not be set up). */
  cancel(callId: string, targetId: string): Promise<unknown>;
}

/**
 * The consultation of a warm transfer (docs/lines.md, "Warm transfer"): the transferring agent
 * and the target talk beside the call (P2P: a second peer connection whose `media-signal`s carry
 * `consult: true`; LiveKit: a consult room) while the party who stays is held.
 */
export class Consultation {
  constructor(private readonly deps: ConsultationDeps) {}

  /**
   * A warm transfer's target answered: the consultation starts. The party who stays is held
   * (LiveKit: hears nothing; P2P: the agent's client stops sending to them), the agent gets
   * `call-transferring` with media to reach the target, the target the same in the ack.
   */
  async start(record: CallRecord, actor: Actor): Promise<AcceptResult> {
    const { userId } = actor.identity;
    const started = await this.deps.registry.rebook(record.call.id, {}, (cur) => {
      const ringing = cur.call.transfer;
      if (cur.call.state !== 'active' || ringing?.to.id !== userId) return undefined;
      if (ringing.state !== 'ringing') return undefined;
      const transfer: CallTransfer = {
        ...ringing,
        state: 'consulting',
        consultingSince: Date.now(),
      };
      return { ...cur, consultSocket: actor.socketId, call: { ...cur.call, transfer } };
    });
    if (!started.ok) throw fail.invalidState('the transfer was cancelled or the call ended');
    this.deps.stopRinging(record.call.id);
    const next = started.record;
    const { call, tenant } = next;
    const transfer = call.transfer as CallTransfer;
    const consultMedia = this.deps.media.consultMedia?.bind(this.deps.media);
    let media: [Media, Media];
    try {
      if (!consultMedia) throw new Error('no consult media');
      await this.deps.media.hold?.(next, true);
      media = await Promise.all([
        consultMedia(next, transfer.by, false),
        consultMedia(next, transfer.to, true),
      ]);
    } catch (err) {
      this.deps.logger.error({ err, callId: call.id }, 'consultation media setup failed');
      await this.deps.cancel(call.id, userId);
      throw fail.internal('could not set up media for the consultation');
    }
    const agentSide = sideOf(next, transfer.by.id) as PartySide;
    const agentSocket = next.sockets[agentSide];
    const staySocket = next.sockets[otherSide(agentSide)];
    if (agentSocket) {
      this.deps.emitter.toSocket(agentSocket, 'call-transferring', { call, media: media[0] });
    }
    if (staySocket) this.deps.emitter.toSocket(staySocket, 'call-transferring', { call });
    this.deps.emitter.toUser(tenant, userId, 'call-answered-elsewhere', { call }, actor.socketId);
    return { call, media: media[1] };
  }

  /**
   * `media-signal` with `consult: true` (P2P): relayed between the agent's carrying connection
   * and the target's consulting one, never to the party on hold.
   */
  async relay(record: CallRecord, actor: Actor, signal: MediaSignal): Promise<void> {
    const transfer = record.call.transfer;
    if (record.media !== 'p2p') throw fail.invalidState('media-signal is only used by P2P calls');
    if (transfer?.state !== 'consulting') {
      throw fail.invalidState('no consultation of this call is going on');
    }
    const { userId } = actor.identity;
    const agentSocket = record.sockets[sideOf(record, transfer.by.id) as PartySide];
    const [own, peer] =
      userId === transfer.by.id
        ? [agentSocket, record.consultSocket]
        : userId === transfer.to.id
          ? [record.consultSocket, agentSocket]
          : [undefined, undefined];
    if (!own) throw fail.invalidState('you take no part in the consultation');
    if (own !== actor.socketId) {
      throw fail.invalidState('this connection does not carry the consultation');
    }
    if (!peer) throw fail.offline('the other agent is reconnecting');
    this.deps.emitter.toSocket(peer, 'media-signal', {
      callId: record.call.id,
      signal,
      consult: true,
    });
  }

  /** The consultation is over (completed, cancelled, the call ended): lift the hold, free its media. */
  async end(record: CallRecord): Promise<void> {
    await this.deps.media.hold?.(record, false);
    await this.deps.media.closeConsult?.(record);
  }
}
