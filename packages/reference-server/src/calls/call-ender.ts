import type { Logger } from 'pino';
import type { CallInfo, EndReason } from '@synapse-calling/protocol';
import type { MediaProvider } from '../media/media-provider';
import type { Metrics } from '../metrics';
import type { CallRecord, CallRegistry } from '../stores/types';
import type { CallEmitter, CallRecorder } from './call-events';
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
}

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
    const ended = await this.deps.registry.transition(record.call.id, from, (cur) => ({
      ...cur,
      call: {
        ...cur.call,
        state: 'ended',
        endedAt: Date.now(),
        endReason: reason,
        ...(endedBy ? { endedBy } : {}),
      },
    }));
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
    if (from === 'active') void this.deps.media.close(ended);
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
   * Logs a call that ends without ever being in the registry: refused `busy` before it rang, or
   * found ringing in the log at restart (`failed`). Nobody is connected to it, so no fan-out.
   */
  async recordEnded(record: CallRecord, reason: 'busy' | 'failed'): Promise<void> {
    record.call = { ...record.call, state: 'ended', endedAt: Date.now(), endReason: reason };
    this.deps.metrics.callsEnded.inc({ reason });
    await this.deps.recorder.record(record, 'call.ended');
  }
}
