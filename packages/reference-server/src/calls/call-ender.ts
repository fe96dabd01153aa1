import type { Logger } from 'pino';
import type { CallInfo, EndReason } from '@synapse-calling/protocol';
import type { MediaProvider } from '../media/media-provider';
import type { Metrics } from '../metrics';
import type { ClaimStore } from '../stores/claim-store';
import { userKey } from '../stores/keys';
import type { CallRecord, CallRegistry } from '../stores/types';
import type { CallEmitter, CallRecorder } from './call-events';
import type { CallLifecycle } from './lifecycle';
import { refreshParties, type PresenceRefresher } from './sides';
import { timerKeys, type Timers } from './timers';

export interface CallEnderDeps {
  registry: CallRegistry;
  media: MediaProvider;
  emitter: CallEmitter;
  recorder: CallRecorder;
  metrics: Metrics;
  logger: Logger;
  timers: Timers;
  /** Told after the call is gone, so that the parties' busy turns back to online. */
  presence: PresenceRefresher;
  /** Remembers which caller–callee pairs were refused lately (shared by nodes with Redis). */
  claims: ClaimStore;
  lifecycle?: CallLifecycle | undefined;
}

/** One `busy` row (and call event) per caller–callee pair per this long. */
export const REFUSED_LOG_WINDOW_MS = 60_000;

/**
 * The one way calls end. A hang-up, a rejection, a ring timeout, an expired grace window and a
 * failed media setup all go through `finish`, so the call log, the `call-ended` fan-out, media
 * teardown, timers and presence behave the same whichever way a call ends.
 */
export class CallEnder {
  constructor(private readonly deps: CallEnderDeps) {}

  /**
   * Ends a call with a compare-and-set from the state it was read in, and tells everyone.
   * `undefined` means the state had moved on meanwhile (someone else won); nothing changed then.
   */
  async finish(
    record: CallRecord,
    reason: EndReason,
    endedBy?: string,
  ): Promise<CallRecord | undefined> {
    const from = record.call.state;
    const { lifecycle } = this.deps;
    const ended = await this.deps.registry.transition(record.call.id, from, (cur) => {
      const endedAt = Date.now();
      const call: CallInfo = {
        ...cur.call,
        state: 'ended',
        endedAt,
        endReason: reason,
        ...(endedBy ? { endedBy } : {}),
      };
      return { ...cur, call: lifecycle ? lifecycle.ending(call, endedAt) : call };
    });
    if (!ended) return undefined;
    const { call, tenant } = ended;
    this.deps.timers.clearPrefix(timerKeys.call(call.id));
    this.deps.metrics.callsEnded.inc({ reason });
    await this.deps.recorder.record(ended, 'call.ended');
    if (reason === 'rejected') {
      this.deps.emitter.toUser(tenant, call.from.id, 'call-rejected', { call });
    }
    // Every connection of both parties, including the callee's still-ringing tabs: for them
    // `call-ended` is the only signal that the caller gave up (protocol.md, end-call).
    this.deps.emitter.toUser(tenant, call.from.id, 'call-ended', { call });
    this.deps.emitter.toUser(tenant, call.to.id, 'call-ended', { call });
    lifecycle?.callEnded(ended);
    // A prepared call has media to release even if nobody answered (LiveKit: its room).
    if (from === 'active' || this.deps.media.prepare) {
      void this.deps.media.close(ended);
    }
    await refreshParties(this.deps.presence, ended);
    return ended;
  }

  /** Ends the call with `reason` if it is still in `state` (timers, webhooks). Never throws. */
  async endIfStill(
    callId: string,
    state: CallInfo['state'],
    reason: EndReason,
    endedBy?: string,
  ): Promise<void> {
    try {
      const record = await this.deps.registry.get(callId);
      if (record?.call.state === state) await this.finish(record, reason, endedBy);
    } catch (err) {
      this.deps.logger.error({ err, callId, reason }, 'ending call failed');
    }
  }

  /**
   * Logs a call that ends without ever being in the registry: refused `busy` before it rang (at
   * most once per pair per `REFUSED_LOG_WINDOW_MS`), or found ringing in the log at restart
   * (`failed`). Nobody is connected to it, so no fan-out.
   */
  async recordEnded(record: CallRecord, reason: 'busy' | 'failed'): Promise<void> {
    record.call = { ...record.call, state: 'ended', endedAt: Date.now(), endReason: reason };
    this.deps.metrics.callsEnded.inc({ reason });
    if (reason === 'busy') {
      // Redialling a busy line must not write the callee's history (and the host's webhook)
      // once per attempt: the first refusal of a pair in a window is recorded, the rest counted.
      const { tenant, call } = record;
      const pair = `busy:${userKey(tenant, call.from.id)}>${userKey(tenant, call.to.id)}`;
      if (!(await this.deps.claims.claim(pair, REFUSED_LOG_WINDOW_MS))) return;
    }
    await this.deps.recorder.record(record, 'call.ended');
  }
}
