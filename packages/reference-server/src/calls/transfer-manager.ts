import type { Logger } from 'pino';
import type {
  AcceptResult,
  CallInfo,
  CallLeg,
  CallTransfer,
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
import type { CallEmitter, CallRecorder } from './call-events';
import { otherSide, sideOf } from './sides';
import { timerKeys, type Timers } from './timers';

export interface TransferManagerDeps {
  registry: CallRegistry & Required<Pick<CallRegistry, 'rebook'>>;
  visibility: Pick<Visibility, 'lookup'>;
  presence: Pick<PresenceManager, 'current' | 'refresh'>;
  media: Pick<MediaProvider, 'mediaFor' | 'removeParty'>;
  emitter: CallEmitter;
  recorder: CallRecorder;
  timers: Timers;
  /** How long a transfer rings its target before it stops (the call stays as it was). */
  ringTimeoutMs: number;
  /** Set when the server has lines: transfers to a line pick one of its available agents. */
  lines?:
    | { store: Pick<LineStore, 'get'>; picker: Pick<AgentPicker, 'available' | 'coolDown'> }
    | undefined;
  logger: Logger;
}

const transferKey = (callId: string) => `${timerKeys.call(callId)}transfer`;

/** Why a transfer stopped before its target answered; the target's view of the call says it. */
type StopReason = 'rejected' | 'missed' | 'cancelled';

/**
 * Blind transfer of an active call (docs/lines.md, "Transfer"). The agent stays in the call while
 * the target's page rings; the target is booked for the call in the registry meanwhile (a
 * compare-and-set, like the lines' callee moves), so they ring for one call at a time on any
 * number of nodes. When the target answers, the transferring side of the call becomes theirs in
 * one registry write, the agent leaves, and the party who stays gets fresh media for the new
 * peer. A declined, missed or cancelled transfer changes nothing but `call.transfer`.
 */
export class TransferManager {
  constructor(private readonly deps: TransferManagerDeps) {}

  async transfer(actor: Actor, payload: TransferCallPayload): Promise<{ call: CallInfo }> {
    const { tenant, userId, name, role } = actor.identity;
    const record = await this.deps.registry.get(payload.callId);
    const side = record?.tenant === tenant ? sideOf(record, userId) : undefined;
    if (!record || !side) throw fail.notFound();
    if (role !== 'agent') throw fail.forbidden('only agents transfer calls');
    if (record.call.state !== 'active')
      throw fail.invalidState('only an active call is transferred');
    if (record.call.transfer) throw fail.invalidState('the call is already being transferred');
    const peer = side === 'caller' ? record.call.to : record.call.from;
    const { target, line } = await this.target(record, [userId, peer.id], payload);
    const transfer: CallTransfer = {
      state: 'ringing',
      by: { id: userId, name, role },
      to: target,
      startedAt: Date.now(),
      ...(line ? { line } : {}),
    };
    const booked = await this.deps.registry.rebook(record.call.id, { book: target.id }, (cur) =>
      cur.call.state === 'active' && !cur.call.transfer && sideOf(cur, userId) === side
        ? { ...cur, transferTried: undefined, call: { ...cur.call, transfer } }
        : undefined,
    );
    if (!booked.ok && booked.reason === 'busy')
      throw fail.busy(`${target.name} is in another call`);
    if (!booked.ok) throw fail.invalidState('the call changed meanwhile; try again');
    await this.ring(booked.record, target);
    return { call: booked.record.call };
  }

  /** The transfer's target rings (until the ring timeout); both parties hear of it. */
  private async ring(record: CallRecord, target: Party): Promise<void> {
    const { tenant, call } = record;
    this.deps.timers.set(transferKey(call.id), this.deps.ringTimeoutMs, () => {
      void this.stopOrMoveOn(call.id, target.id, 'missed').catch((err: unknown) => {
        this.deps.logger.error({ err, callId: call.id }, 'transfer timeout failed');
      });
    });
    this.deps.emitter.toUser(tenant, target.id, 'incoming-call', { call });
    this.tellParties(record);
    await this.deps.presence.refresh(tenant, target.id);
  }

  /**
   * The target declined or missed the transfer. A transfer to a line then rings the line's next
   * available agent, as a call to the line does (the one who declined cools down); one to an
   * agent, or to a line with nobody left to ring, stops.
   */
  private async stopOrMoveOn(callId: string, targetId: string, why: 'rejected' | 'missed') {
    const record = await this.deps.registry.get(callId);
    const transfer = record?.call.transfer;
    const lines = this.deps.lines;
    if (record && lines && transfer?.line && transfer.to.id === targetId) {
      const { tenant } = record;
      lines.picker.coolDown(tenant, targetId);
      const line = await lines.store.get(tenant, transfer.line);
      const tried = [...(record.transferTried ?? []), targetId];
      const exclude = [record.call.from.id, record.call.to.id, ...tried];
      for (const next of line ? await lines.picker.available(tenant, line, exclude) : []) {
        const moved = await this.deps.registry.rebook(
          callId,
          { book: next.id, release: targetId },
          (cur) =>
            cur.call.state === 'active' && cur.call.transfer?.to.id === targetId
              ? {
                  ...cur,
                  transferTried: tried,
                  call: { ...cur.call, transfer: { ...transfer, to: next, startedAt: Date.now() } },
                }
              : undefined,
        );
        if (!moved.ok && moved.reason === 'busy') continue; // booked meanwhile: the next one
        if (!moved.ok) return; // answered, cancelled or ended meanwhile
        const view = ended(record.call, why, why === 'rejected' ? targetId : undefined);
        this.deps.emitter.toUser(tenant, targetId, 'call-ended', { call: view });
        await this.deps.presence.refresh(tenant, targetId);
        return this.ring(moved.record, next);
      }
    }
    await this.stop(callId, targetId, why);
  }

  /** `cancel-transfer`: the transferring agent withdraws it before the target answered. */
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

  /** The target declined (`reject-call` or `end-call`): the call stays with the agent. */
  async declined(record: CallRecord, actor: Actor): Promise<{ call: CallInfo }> {
    const { userId } = actor.identity;
    await this.stopOrMoveOn(record.call.id, userId, 'rejected');
    return { call: ended(record.call, 'rejected', userId) };
  }

  /**
   * The target answers: the transferring side becomes theirs, the agent leaves (LiveKit: removed
   * from the room), and the party who stays is told with fresh media to reach them.
   */
  async accept(record: CallRecord, actor: Actor): Promise<AcceptResult> {
    const { userId } = actor.identity;
    const transfer = record.call.transfer as CallTransfer;
    const side = sideOf(record, transfer.by.id) as PartySide;
    const key = side === 'caller' ? 'from' : 'to';
    const now = Date.now();
    const moved = await this.deps.registry.rebook(
      record.call.id,
      { book: userId, release: transfer.by.id },
      (cur) => {
        if (cur.call.state !== 'active' || cur.call.transfer?.to.id !== userId) return undefined;
        const { transfer: _done, ...call } = cur.call;
        const legs = withLeg(cur.call, transfer.by, transfer.to, now);
        // The side is Bob's now: a reconnect or room grace Alice was in does not concern it.
        const carried = withSocket(
          withDeadline(cur, 'room', side, undefined),
          side,
          actor.socketId,
          undefined,
        );
        return {
          ...carried,
          transferTried: undefined,
          call: { ...call, [key]: transfer.to, legs },
        };
      },
    );
    if (!moved.ok) throw fail.invalidState('the transfer was cancelled or the call ended');
    this.deps.timers.clear(transferKey(record.call.id));
    const next = moved.record;
    await this.deps.media.removeParty?.(next, transfer.by.id);
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
    const left: CallInfo = { ...before, ...(next.call.legs ? { legs: next.call.legs } : {}) };
    this.deps.emitter.toUser(next.tenant, transfer.by.id, 'call-ended', {
      call: ended(left, 'completed', transfer.by.id, now),
    });
    this.deps.emitter.toUser(
      next.tenant,
      userId,
      'call-answered-elsewhere',
      { call: next.call },
      actor.socketId,
    );
    await this.deps.recorder.record(next, 'call.transferred');
    await Promise.all(
      [transfer.by.id, userId].map((id) => this.deps.presence.refresh(next.tenant, id)),
    );
    return { call: next.call, media: mine };
  }

  /** The call ended while its transfer rang: the target stops ringing. */
  callEnded(record: CallRecord): void {
    const transfer = record.call.transfer;
    if (!transfer) return;
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
      if (call.transfer && call.transfer.startedAt < due) {
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
    const stopped = await this.deps.registry.rebook(callId, { release: targetId }, (cur) => {
      if (cur.call.transfer?.to.id !== targetId) return undefined;
      const { transfer: _gone, ...call } = cur.call;
      return { ...cur, transferTried: undefined, call };
    });
    if (!stopped.ok) return undefined;
    this.deps.timers.clear(transferKey(callId));
    const { tenant, call } = stopped.record;
    const view = ended(call, why, why === 'rejected' ? targetId : undefined);
    this.deps.emitter.toUser(tenant, targetId, 'call-ended', { call: view });
    this.tellParties(stopped.record);
    await this.deps.presence.refresh(tenant, targetId);
    return call;
  }

  /** `call-transferring` to both parties: the transfer started or stopped. */
  private tellParties(record: CallRecord): void {
    for (const side of ['caller', 'callee'] as const) {
      const socket = record.sockets[side];
      if (socket) this.deps.emitter.toSocket(socket, 'call-transferring', { call: record.call });
    }
  }

  /** Who the transfer rings: the agent named, or an available agent of the line named. */
  private async target(
    record: CallRecord,
    parties: string[],
    payload: TransferCallPayload,
  ): Promise<{ target: Party; line?: string }> {
    const { tenant } = record;
    if (payload.toLine !== undefined) {
      const line = this.deps.lines && (await this.deps.lines.store.get(tenant, payload.toLine));
      // Lines of other tenants are not found: the same answer as an unknown line.
      if (!this.deps.lines || !line) throw fail.notFound('line');
      const [first] = await this.deps.lines.picker.available(tenant, line, parties);
      if (!first) throw fail.busy(`no agent of ${line.name} is available`);
      return { target: first, line: line.id };
    }
    const to = payload.to as string;
    if (parties.includes(to)) throw fail.invalidPayload('transfer the call to someone not in it');
    // Users of other tenants are unknown here: the same answer as an id nobody has.
    const known = await this.deps.visibility.lookup(tenant, to);
    if (!known) throw fail.notFound('agent');
    if (known.party.role !== 'agent') throw fail.invalidPayload('calls are transferred to agents');
    const { status } = await this.deps.presence.current(tenant, to);
    if (status === 'offline') throw fail.offline(`${known.party.name} is not connected`);
    if (status === 'busy' || status === 'dnd') {
      throw fail.busy(`${known.party.name} is busy`);
    }
    return { target: known.party };
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
