import type { Logger } from 'pino';
import type {
  AcceptResult,
  CallInfo,
  CallLeg,
  CallTransfer,
  MediaSignal,
  Media,
  Party,
  TransferCallPayload,
} from '@synapse-calling/protocol';
import { fail } from '../errors';
import type { AgentPicker } from '../lines/agent-picker';
import type { LineStore } from '../lines/line-store';
import type { MediaProvider } from '../media/media-provider';
import type { PresenceManager } from '../presence/presence-manager';
import type { Visibility } from '../presence/visibility';
import { withDeadline, withSocket } from '../stores/deadlines';
import type { CallRecord, CallRegistry, PartySide } from '../stores/types';
import type { Actor } from './actor';
import { Consultation } from './consultation';
import { transferTarget } from './transfer-target';
import type { CallEmitter, CallRecorder } from './call-events';
import { otherSide, sideOf } from './sides';
import { timerKeys, type Timers } from './timers';

export interface TransferManagerDeps {
  registry: CallRegistry & Required<Pick<CallRegistry, 'rebook'>>;
  visibility: Pick<Visibility, 'lookup'>;
  presence: Pick<PresenceManager, 'current' | 'refresh'>;
  media: Pick<MediaProvider, 'mediaFor' | 'removeParty' | 'consultMedia' | 'hold' | 'closeConsult'>;
  emitter: CallEmitter;
  recorder: CallRecorder;
  timers: Timers;
  /** How long a transfer rings its target before it stops (the call stays as it was). */
  ringTimeoutMs: number;
  /** Set when the server has lines: transfers to a line pick one of its available agents. */
  lines?: { store: Pick<LineStore, 'get'>; picker: Pick<AgentPicker, 'available'> } | undefined;
  logger: Logger;
}

const transferKey = (callId: string) => `${timerKeys.call(callId)}transfer`;

/**
 * Why a transfer stopped without completing; the target's view of the call says it (`completed`:
 * the target hung up a warm transfer's consultation).
 */
type StopReason = 'rejected' | 'missed' | 'cancelled' | 'completed';

/**
 * Blind transfer of an active call (docs/lines.md, "Transfer"). The agent stays in the call while
 * the target's page rings; the target is booked for the call in the registry meanwhile (a
 * compare-and-set, like the lines' callee moves), so they ring for one call at a time on any
 * number of nodes. When the target answers, the transferring side of the call becomes theirs in
 * one registry write, the agent leaves, and the party who stays gets fresh media for the new
 * peer. A declined, missed or cancelled transfer changes nothing but `call.transfer`.
 *
 * A warm transfer (`mode: 'warm'`) stops halfway: the target's answer starts a consultation
 * (`state: 'consulting'`) between the agent and the target, beside the call, while the other
 * party is on hold; the agent's `complete-transfer` then hands the call over as above.
 */
export class TransferManager {
  private readonly consultation: Consultation;

  constructor(private readonly deps: TransferManagerDeps) {
    this.consultation = new Consultation({
      ...deps,
      stopRinging: (callId) => deps.timers.clear(transferKey(callId)),
      cancel: (callId, targetId) => this.stop(callId, targetId, 'cancelled'),
    });
  }

  /** See `Consultation.relay`: a P2P consultation's `media-signal`. */
  relayConsult(record: CallRecord, actor: Actor, signal: MediaSignal): Promise<void> {
    return this.consultation.relay(record, actor, signal);
  }

  async transfer(actor: Actor, payload: TransferCallPayload): Promise<{ call: CallInfo }> {
    const { tenant, userId, name, role } = actor.identity;
    const record = await this.deps.registry.get(payload.callId);
    const side = record?.tenant === tenant ? sideOf(record, userId) : undefined;
    if (!record || !side) throw fail.notFound();
    if (role !== 'agent') throw fail.forbidden('only agents transfer calls');
    if (record.call.state !== 'active')
      throw fail.invalidState('only an active call is transferred');
    if (record.call.transfer) throw fail.invalidState('the call is already being transferred');
    const mode = payload.mode ?? 'blind';
    if (mode === 'warm' && !this.deps.media.consultMedia) {
      throw fail.invalidState('this server has no warm transfer');
    }
    const peer = side === 'caller' ? record.call.to : record.call.from;
    const { target, line } = await transferTarget(this.deps, record, [userId, peer.id], payload);
    const transfer: CallTransfer = {
      state: 'ringing',
      mode,
      by: { id: userId, name, role },
      to: target,
      startedAt: Date.now(),
      ...(line ? { line } : {}),
    };
    const booked = await this.deps.registry.rebook(record.call.id, { book: target.id }, (cur) =>
      cur.call.state === 'active' && !cur.call.transfer && sideOf(cur, userId) === side
        ? { ...cur, call: { ...cur.call, transfer } }
        : undefined,
    );
    if (!booked.ok && booked.reason === 'busy')
      throw fail.busy(`${target.name} is in another call`);
    if (!booked.ok) throw fail.invalidState('the call changed meanwhile; try again');
    const { call } = booked.record;
    this.ringTimer(call.id, target.id);
    this.deps.emitter.toUser(tenant, target.id, 'incoming-call', { call });
    this.tellParties(booked.record);
    await this.deps.presence.refresh(tenant, target.id);
    return { call };
  }

  /**
   * `cancel-transfer`: the transferring agent withdraws it before it completed (ringing, or a warm
   * transfer's consultation: the consultation ends and the agent has the call back).
   */
  async cancel(actor: Actor, callId: string): Promise<{ call: CallInfo }> {
    const record = await this.deps.registry.get(callId);
    const mine = record?.tenant === actor.identity.tenant && sideOf(record, actor.identity.userId);
    if (!record || !mine) throw fail.notFound();
    const transfer = record.call.transfer;
    if (transfer?.by.id !== actor.identity.userId) {
      throw fail.invalidState('you have no transfer of this call to cancel');
    }
    const stopped = await this.stop(callId, transfer.to.id, 'cancelled');
    if (!stopped) throw fail.invalidState('the transfer completed or stopped meanwhile');
    return { call: stopped };
  }

  /** Whether `userId` is the target of this call's transfer (not a party of it yet). */
  isTarget(record: CallRecord, userId: string): boolean {
    return record.call.transfer?.to.id === userId && !sideOf(record, userId);
  }

  /**
   * The target declined (`reject-call` or `end-call`), or hung up a warm transfer's consultation
   * (`completed` for them): the call stays with the agent. Undefined when the transfer had
   * completed or stopped meanwhile.
   */
  async declined(record: CallRecord, actor: Actor): Promise<{ call: CallInfo } | undefined> {
    const { userId } = actor.identity;
    const why = record.call.transfer?.state === 'consulting' ? 'completed' : 'rejected';
    const stopped =
      (why === 'rejected' && (await this.moveOn(record.call.id, userId, why))) ||
      (await this.stop(record.call.id, userId, why));
    // Undefined: it completed or stopped meanwhile (the caller reads the call again).
    return stopped && { call: ended(record.call, why, userId) };
  }

  /**
   * The target answers: a blind transfer hands the call over now; a warm one starts the
   * consultation.
   */
  async accept(record: CallRecord, actor: Actor): Promise<AcceptResult> {
    const transfer = record.call.transfer as CallTransfer;
    if (transfer.state !== 'ringing') throw fail.invalidState('the transfer was answered already');
    if (transfer.mode === 'warm') return this.consultation.start(record, actor);
    const { next, media } = await this.handOver(record, 'ringing', actor.socketId);
    this.deps.emitter.toUser(
      next.tenant,
      actor.identity.userId,
      'call-answered-elsewhere',
      { call: next.call },
      actor.socketId,
    );
    return { call: next.call, media };
  }

  /**
   * `complete-transfer`: the agent hands a consulted transfer over. The target gets
   * `call-transferred` with their media for the call on the connection that consulted.
   */
  async complete(actor: Actor, callId: string): Promise<{ call: CallInfo }> {
    const { tenant, userId } = actor.identity;
    const record = await this.deps.registry.get(callId);
    if (!record || record.tenant !== tenant || !sideOf(record, userId)) throw fail.notFound();
    const transfer = record.call.transfer;
    if (transfer?.by.id !== userId || transfer.state !== 'consulting') {
      throw fail.invalidState('you have no consulted transfer of this call to complete');
    }
    const { next, media, left } = await this.handOver(record, 'consulting', record.consultSocket);
    if (record.consultSocket) {
      this.deps.emitter.toSocket(record.consultSocket, 'call-transferred', {
        call: next.call,
        media,
      });
    }
    await this.deps.media.closeConsult?.(next);
    return { call: left };
  }

  /**
   * The transfer's target takes the transferring side (in `state`, on `targetSocket`): in one
   * registry write, then the agent leaves (LiveKit: removed from the room), the party who stays
   * is told with fresh media to reach them, and the host hears `call.transferred` (once).
   */
  private async handOver(
    record: CallRecord,
    state: CallTransfer['state'],
    targetSocket: string | undefined,
  ): Promise<{ next: CallRecord; media: Media; left: CallInfo }> {
    const transfer = record.call.transfer as CallTransfer;
    const target = transfer.to.id;
    const side = sideOf(record, transfer.by.id) as PartySide;
    const key = side === 'caller' ? 'from' : 'to';
    const now = Date.now();
    const moved = await this.deps.registry.rebook(
      record.call.id,
      { book: target, release: transfer.by.id },
      (cur) => {
        const current = cur.call.transfer;
        if (cur.call.state !== 'active' || current?.to.id !== target || current.state !== state) {
          return undefined;
        }
        const { transfer: _done, ...call } = cur.call;
        const { consultSocket: _consulted, transferTried: _tried, ...rest } = cur;
        const legs = withLeg(cur.call, transfer.by, transfer.to, now);
        // The side is the target's now: a reconnect or room grace the agent was in does not concern it.
        const carried = withSocket(
          withDeadline(rest, 'room', side, undefined),
          side,
          targetSocket ?? null,
          undefined,
        );
        return { ...carried, call: { ...call, [key]: transfer.to, legs } };
      },
    );
    if (!moved.ok) throw fail.invalidState('the transfer was cancelled or the call ended');
    this.deps.timers.clear(transferKey(record.call.id));
    const next = moved.record;
    await this.deps.media.removeParty?.(next, transfer.by.id);
    // The consult room goes only once the target was told where the call is (`complete`).
    if (state === 'consulting') await this.deps.media.hold?.(next, false);
    const stays = otherSide(side);
    const [mine, theirs] = await Promise.all([
      this.deps.media.mediaFor(next, side),
      this.deps.media.mediaFor(next, stays),
    ]);
    const staySocket = next.sockets[stays];
    if (staySocket) {
      this.deps.emitter.toSocket(staySocket, 'call-transferred', {
        call: next.call,
        media: theirs,
      });
    }
    // For the agent who handed it over, the call is over (on every tab of theirs).
    const { transfer: _handed, ...before } = record.call;
    const legs = next.call.legs ? { legs: next.call.legs } : {};
    const left = ended({ ...before, ...legs }, 'completed', transfer.by.id, now);
    this.deps.emitter.toUser(next.tenant, transfer.by.id, 'call-ended', { call: left });
    await this.deps.recorder.record(next, 'call.transferred');
    await Promise.all(
      [transfer.by.id, target].map((id) => this.deps.presence.refresh(next.tenant, id)),
    );
    return { next, media: mine, left };
  }

  /**
   * The call ended while its transfer rang or consulted: the target's view of it ends too (a
   * consultation ends with the customer's call; its room is freed).
   */
  callEnded(record: CallRecord): void {
    const transfer = record.call.transfer;
    if (!transfer) return;
    if (transfer.state === 'consulting') void this.deps.media.closeConsult?.(record);
    this.deps.timers.clear(transferKey(record.call.id));
    this.deps.emitter.toUser(record.tenant, transfer.to.id, 'call-ended', { call: record.call });
    void this.deps.presence.refresh(record.tenant, transfer.to.id).catch(() => undefined);
  }

  /**
   * Stops transfers ringing longer than the ring timeout plus `slackMs`: their timer lived on a
   * node that died (several nodes: run at each heartbeat), and the target would stay booked.
   */
  async stopOverdue(slackMs: number, now = Date.now()): Promise<void> {
    const due = now - slackMs - this.deps.ringTimeoutMs;
    for (const { call } of await this.deps.registry.all()) {
      // A consultation lasts as long as the agents talk: only ringing is overdue.
      if (call.transfer?.state === 'ringing' && call.transfer.startedAt < due) {
        await this.stop(call.id, call.transfer.to.id, 'missed');
      }
    }
  }

  /**
   * Ends the transfer ringing `targetId` (declined, missed, cancelled): the target is released
   * and told, both parties see `call.transfer` gone. The call as it is now, or undefined when
   * that transfer was no longer ringing.
   */
  private async stop(
    callId: string,
    targetId: string,
    why: StopReason,
  ): Promise<CallInfo | undefined> {
    let consulted = false;
    const stopped = await this.deps.registry.rebook(callId, { release: targetId }, (cur) => {
      if (cur.call.transfer?.to.id !== targetId) return undefined;
      consulted = cur.call.transfer.state === 'consulting';
      const { transfer: _gone, ...call } = cur.call;
      const { consultSocket: _consulted, transferTried: _tried, ...rest } = cur;
      return { ...rest, call };
    });
    if (!stopped.ok) return undefined;
    this.deps.timers.clear(transferKey(callId));
    if (consulted) await this.consultation.end(stopped.record);
    const { tenant, call } = stopped.record;
    const byTarget = why === 'rejected' || why === 'completed';
    const view = ended(call, why, byTarget ? targetId : undefined);
    this.deps.emitter.toUser(tenant, targetId, 'call-ended', { call: view });
    this.tellParties(stopped.record);
    await this.deps.presence.refresh(tenant, targetId);
    return call;
  }

  /** Stops the transfer ringing `targetId` after the ring timeout (a line's: rings the next). */
  private ringTimer(callId: string, targetId: string): void {
    this.deps.timers.set(transferKey(callId), this.deps.ringTimeoutMs, () => {
      const missed = async () =>
        (await this.moveOn(callId, targetId, 'missed')) ??
        (await this.stop(callId, targetId, 'missed'));
      void missed().catch((err: unknown) => {
        this.deps.logger.error({ err, callId }, 'transfer timeout failed');
      });
    });
  }

  /**
   * A transfer to a line that its agent declined or missed rings the line's next available agent
   * (not a party, not one it rang already), as a line call would, in one compare-and-set that
   * releases the agent and books the next. Undefined when nobody is left (the caller stops it).
   */
  private async moveOn(
    callId: string,
    targetId: string,
    why: 'rejected' | 'missed',
  ): Promise<CallInfo | undefined> {
    const record = await this.deps.registry.get(callId);
    const ringing = record?.call.transfer;
    const { lines } = this.deps;
    if (!record || !lines || ringing?.state !== 'ringing' || !ringing.line) return undefined;
    const line = await lines.store.get(record.tenant, ringing.line);
    const tried = [...(record.transferTried ?? []), targetId];
    const { from, to } = record.call;
    const [next] = line
      ? await lines.picker.available(record.tenant, line, [from.id, to.id, ...tried])
      : [];
    if (!next) return undefined;
    const transfer: CallTransfer = { ...ringing, to: next, startedAt: Date.now() };
    const moved = await this.deps.registry.rebook(
      callId,
      { book: next.id, release: targetId },
      (cur) =>
        cur.call.transfer?.to.id === targetId && cur.call.transfer.state === 'ringing'
          ? { ...cur, transferTried: tried, call: { ...cur.call, transfer } }
          : undefined,
    );
    if (!moved.ok) return undefined;
    this.ringTimer(callId, next.id);
    const { tenant, call } = moved.record;
    const view = ended(call, why, why === 'rejected' ? targetId : undefined);
    this.deps.emitter.toUser(tenant, targetId, 'call-ended', { call: view });
    this.deps.emitter.toUser(tenant, next.id, 'incoming-call', { call });
    this.tellParties(moved.record);
    await Promise.all([targetId, next.id].map((id) => this.deps.presence.refresh(tenant, id)));
    return call;
  }

  /** `call-transferring` to both parties: the transfer started or stopped. */
  private tellParties(record: CallRecord): void {
    for (const side of ['caller', 'callee'] as const) {
      const socket = record.sockets[side];
      if (socket) this.deps.emitter.toSocket(socket, 'call-transferring', { call: record.call });
    }
  }
}

/** The call as it ended for one person it no longer concerns (the call itself goes on). */
function ended(call: CallInfo, why: StopReason | 'completed', by?: string, at = Date.now()) {
  const view: CallInfo = { ...call, state: 'ended', endedAt: at, endReason: why };
  return by === undefined ? view : { ...view, endedBy: by };
}

/** The legs after `from` handed the call to `to` at `at`. */
function withLeg(call: CallInfo, from: Party, to: Party, at: number): CallLeg[] {
  const legs = call.legs ?? [{ party: from, from: call.answeredAt ?? call.createdAt }];
  const closed = legs.map((leg, i) => (i === legs.length - 1 ? { ...leg, until: at } : leg));
  return [...closed, { party: to, from: at }];
}
