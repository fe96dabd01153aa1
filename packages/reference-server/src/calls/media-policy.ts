import type { Logger } from 'pino';
import {
  VIDEO_SOURCES,
  type CallInfo,
  type MediaChangePayload,
  type VideoSource,
} from '@synapse-calling/protocol';
import type { Actor } from './actor';
import { fail } from '../errors';
import type { PolicyParty } from '../options';
import type { CallRecord, CallRegistry, PartySide } from '../stores/types';
import type { CallEmitter } from './call-events';
import { otherSide, sideOf } from './sides';

/**
 * Decides whether `actor`, a party of the active `call`, may send video from `source` (its
 * camera, or a screen share). Asked when the party turns the source on (`media-changed`), and
 * for each source when a LiveKit token is minted: the token then grants only the allowed
 * sources, so the SFU itself refuses the others. Default: both parties may send both.
 */
export type CanPublish = (
  actor: PolicyParty,
  source: VideoSource,
  call: CallInfo & { tenant: string },
) => boolean | Promise<boolean>;

/**
 * The default video policy: both parties may share their screen and turn on their camera.
 *
 * @example
 * // customers talk and share their screen; only agents show their face
 * const canPublish: CanPublish = (actor, source) =>
 *   source === 'screen' || actor.role === 'agent';
 */
export const defaultCanPublish: CanPublish = () => true;

export interface MediaPolicyDeps {
  registry: Pick<CallRegistry, 'get' | 'transition'>;
  emitter: Pick<CallEmitter, 'toSocket'>;
  canPublish: CanPublish;
  logger: Logger;
}

/**
 * What each party sends in a call (microphone, camera, screen share): the policy that decides
 * which video sources a party may send, and the relay of `media-changed` to the other party.
 */
export class MediaPolicy {
  constructor(private readonly deps: MediaPolicyDeps) {}

  /** The video sources `side` of `record` may publish (the LiveKit token's grant). */
  async allowedSources(record: CallRecord, side: PartySide): Promise<VideoSource[]> {
    const allowed = await Promise.all(VIDEO_SOURCES.map((s) => this.allows(record, side, s)));
    return VIDEO_SOURCES.filter((_, i) => allowed[i]);
  }

  /**
   * `media-changed` from a party of an active call: refused `forbidden` when it turns on a
   * source the policy does not allow, otherwise relayed to the other party's connection.
   */
  async changed(actor: Actor, payload: MediaChangePayload): Promise<void> {
    const { tenant, userId } = actor.identity;
    const record = await this.deps.registry.get(payload.callId);
    const side = record?.tenant === tenant ? sideOf(record, userId) : undefined;
    if (!record || !side) throw fail.notFound();
    if (record.call.state !== 'active') throw fail.invalidState('the call is not active');
    const wanted = VIDEO_SOURCES.filter((s) => payload[s === 'camera' ? 'video' : 'screen']);
    for (const source of wanted) {
      if (!(await this.allows(record, side, source))) {
        throw fail.forbidden(
          source === 'camera'
            ? 'you may not turn on your camera in this call'
            : 'you may not share your screen in this call',
        );
      }
    }
    const { callId, audio, video, screen } = payload;
    // Kept with the call for `sync`: a client that reloads learns what each party sends.
    const stored = await this.deps.registry.transition(callId, 'active', (current) => ({
      ...current,
      sent: { ...current.sent, [side]: { audio, video, screen } },
    }));
    if (!stored) throw fail.invalidState('the call is not active');
    const peer = stored.sockets[otherSide(side)];
    // A peer that is reconnecting learns the state on its `sync`.
    if (!peer) return;
    this.deps.emitter.toSocket(peer, 'media-changed', {
      callId,
      from: userId,
      audio,
      video,
      screen,
    });
  }

  private async allows(record: CallRecord, side: PartySide, source: VideoSource): Promise<boolean> {
    const party = side === 'caller' ? record.call.from : record.call.to;
    try {
      return await this.deps.canPublish({ ...party, tenant: record.tenant }, source, {
        ...record.call,
        tenant: record.tenant,
      });
    } catch (err) {
      this.deps.logger.error({ err }, 'canPublish hook failed');
      throw fail.internal('the media policy failed');
    }
  }
}
