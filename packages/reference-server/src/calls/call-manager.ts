import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  AcceptResult,
  CallInfo,
  CallIdPayload,
  EndCallPayload,
  EndReason,
  DirectCallPayload,
  Media,
  MediaSignalPayload,
  Party,
  RejectCallPayload,
  SyncedCall,
} from '@synapse-calling/protocol';
import { fail } from '../errors';
import type { MediaProvider } from '../media/media-provider';
import type { Metrics } from '../metrics';
import type { LineCallHooks } from '../lines/line-call';
import type { CanCall } from '../options';
import type { Visibility } from '../presence/visibility';
import type { ClaimStore } from '../stores/claim-store';
import type { CallLog, CallRecord, CallRegistry, PartySide, PresenceStore } from '../stores/types';
import type { Actor } from './actor';
import type { CallEmitter, CallRecorder } from './call-events';
import { CallEnder } from './call-ender';
import type { CallLifecycle } from './lifecycle';
import { ReconnectManager } from './reconnect-manager';
import type { TransferManager } from './transfer-manager';
import { otherSide, refreshParties, sideOf, type PresenceRefresher } from './sides';
import { Timers, timerKeys } from './timers';

export type { Actor } from './actor';
export { sideOf } from './sides';

export interface CallManagerDeps {
  registry: CallRegistry;
  callLog: CallLog;
  presenceStore: PresenceStore;
  /** Told whenever a party's call changed, so that `busy` follows it. */
  presence: PresenceRefresher;
  media: MediaProvider;
  emitter: CallEmitter;
  recorder: CallRecorder;
  canCall: CanCall;
  /** Who may see whom: a refused call must not reveal a user the caller may not see. */
  visibility: Pick<Visibility, 'lookup' | 'canSee'>;
  metrics: Metrics;
  logger: Logger;
  ringTimeoutMs: number;
  reconnectGraceMs: number;
  /** Per-call timers, shared with RoomEvents so that ending a call stops all of them. */
  timers?: Timers;
  /** Which refused caller–callee pairs were recorded lately. */
  claims: ClaimStore;
  /**
   * Whether an offline user can still be rung (browsers registered for Web Push); a call to an
   * offline user is refused `offline` unless this says yes. Default: never.
   */
  pushReachable?: ((tenant: string, userId: string) => Promise<boolean>) | undefined;
  /** Follows calls becoming active and ending (call recording); optional. */
  lifecycle?: CallLifecycle | undefined;
  /** Calls to lines: their accepts and declines go through the line's router (docs/lines.md). */
  lines?: LineCallHooks | undefined;
  /** Transfers: their target's accept and decline go through it (docs/lines.md). */
  transfers?:
    Pick<TransferManager, 'isTarget' | 'accept' | 'declined' | 'relayConsult'> | undefined;
}

/**
 * The server side of calls, for every user (sdk-core's `CallManager` is one client's: it routes
 * server events to that client's calls). The call state machine: ringing → active → ended, or
 * ringing → ended. Every transition is a compare-and-set on the registry, so of two racing
 * accepts exactly one wins and duplicates or late messages find the state already moved and get
 * an error ack, changing nothing.
 *
 * This class handles what the parties ask for (initiate, accept, reject, end, media signals);
 * ending is delegated to `CallEnder` and surviving lost connections to `ReconnectManager`.
 */
export class CallManager {
  readonly timers: Timers;
  private readonly ender: CallEnder;
  private readonly reconnect: ReconnectManager;

  constructor(private readonly deps: CallManagerDeps) {
    this.timers = deps.timers ?? new Timers();
    this.ender = new CallEnder({ ...deps, timers: this.timers });
    this.reconnect = new ReconnectManager({ ...deps, timers: this.timers, ender: this.ender });
  }

  async initiate(
    actor: Actor,
    payload: DirectCallPayload,
  ): Promise<{ call: CallInfo; media?: Media }> {
    const { tenant, userId, name, role } = actor.identity;
    if (payload.to === userId) throw fail.invalidPayload('you cannot call yourself');
    // Unknown users (including every user of other tenants) look exactly like offline ones.
    const known = await this.deps.visibility.lookup(tenant, payload.to);
    if (!known) throw fail.offline();
    const { party: callee, online } = known;
    const from: Party = { id: userId, name, role };
    let allowed: boolean;
    try {
      allowed = await this.deps.canCall({ ...from, tenant }, { ...callee, tenant });
    } catch (err) {
      this.deps.logger.error({ err }, 'canCall hook failed');
      throw fail.internal('the call policy failed');
    }
    if (!allowed) {
      // `forbidden` would tell a caller who may not even see this user that the id exists.
      if (!(await this.deps.visibility.canSee({ ...from, tenant }, { ...callee, tenant }))) {
        throw fail.offline();
      }
      throw fail.forbidden('you may not call this user');
    }
    if (!online && !(await this.deps.pushReachable?.(tenant, callee.id))) throw fail.offline();

    const id = randomUUID();
    const record: CallRecord = {
      call: {
        id,
        from,
        to: callee,
        state: 'ringing',
        createdAt: Date.now(),
        mediaKind: this.deps.media.kind,
      },
      tenant,
      media: this.deps.media.kind,
      room: this.deps.media.roomFor(tenant, id),
      sockets: { caller: actor.socketId, callee: null },
    };
    if (payload.metadata !== undefined) record.call.metadata = payload.metadata;

    if ((await this.deps.presenceStore.getManualStatus(tenant, callee.id)) === 'dnd') {
      await this.ender.recordEnded(record, 'busy');
      throw fail.busy('the callee does not want to be disturbed');
    }
    const created = await this.deps.registry.create(record);
    if (!created.ok) return this.resolveConflict(actor, record, created.conflict);

    this.timers.set(timerKeys.ring(id), this.deps.ringTimeoutMs, () => {
      void this.ender.endIfStill(id, 'ringing', 'missed');
    });
    await this.deps.recorder.record(record, 'call.ringing');
    this.deps.emitter.toUser(tenant, callee.id, 'incoming-call', { call: record.call });
    this.deps.media.prepare?.(record);
    await refreshParties(this.deps.presence, record);
    return { call: record.call };
  }

  async accept(actor: Actor, { callId }: CallIdPayload): Promise<AcceptResult> {
    let record = await this.partyCall(actor, callId);
    const { transfers } = this.deps;
    if (transfers?.isTarget(record, actor.identity.userId)) return transfers.accept(record, actor);
    if (record.call.line && this.deps.lines && record.call.state === 'ringing') {
      record = await this.deps.lines.claimAnswer(record, actor);
    }
    if (sideOf(record, actor.identity.userId) !== 'callee') {
      throw fail.forbidden('only the callee can accept a call');
    }
    if (record.call.state !== 'ringing') throw fail.invalidState('the call is not ringing');
    const active = await this.deps.registry.transition(callId, 'ringing', (cur) => ({
      ...cur,
      call: { ...cur.call, state: 'active', answeredAt: Date.now() },
      sockets: { ...cur.sockets, callee: actor.socketId },
    }));
    if (!active) throw fail.invalidState('the call was already answered or ended');
    this.timers.clear(timerKeys.ring(callId));

    let callerMedia: Media;
    let calleeMedia: Media;
    try {
      await this.deps.media.open(active);
      [callerMedia, calleeMedia] = await Promise.all([
        this.deps.media.mediaFor(active, 'caller'),
        this.deps.media.mediaFor(active, 'callee'),
      ]);
    } catch (err) {
      this.deps.logger.error({ err, callId }, 'media setup failed');
      await this.ender.finish(active, 'failed');
      throw fail.internal('could not set up media for the call');
    }
    // Creating a LiveKit room takes a round trip, during which the call may have been hung up
    // or timed out. Then this answer came too late: recording it would overwrite the ended row
    // of the call log with `active` (and resurrect the call at the next restart), and the room
    // must not outlive the call.
    const current = await this.deps.registry.get(callId);
    if (current?.call.state !== 'active') {
      await this.deps.media.close(active);
      throw fail.invalidState('the call ended while it was being answered');
    }
    await this.deps.recorder.record(active, 'call.accepted');
    this.deps.lifecycle?.callActive(active);
    // The caller may have reconnected during media setup: use the connection carrying it now.
    const callerSocket = current.sockets.caller;
    if (callerSocket) {
      this.deps.emitter.toSocket(callerSocket, 'call-accepted', {
        call: active.call,
        media: callerMedia,
      });
    }
    this.deps.emitter.toUser(
      active.tenant,
      active.call.to.id,
      'call-answered-elsewhere',
      { call: active.call },
      actor.socketId,
    );
    await refreshParties(this.deps.presence, active);
    return { call: active.call, media: calleeMedia };
  }

  async reject(actor: Actor, { callId, reason }: RejectCallPayload): Promise<{ call: CallInfo }> {
    const record = await this.partyCall(actor, callId);
    const { transfers } = this.deps;
    if (transfers?.isTarget(record, actor.identity.userId)) {
      const declined = await transfers.declined(record, actor);
      if (!declined) throw fail.invalidState('the transfer completed or stopped meanwhile');
      return declined;
    }
    const lineDecline = this.lineDecline(record, actor);
    if (lineDecline) return { call: await lineDecline };
    if (sideOf(record, actor.identity.userId) !== 'callee') {
      throw fail.forbidden('only the callee can reject a call; the caller ends it');
    }
    if (record.call.state !== 'ringing') throw fail.invalidState('the call is not ringing');
    const ended = await this.ender.finish(record, 'rejected', actor.identity.userId);
    if (!ended) throw fail.invalidState('the call was already answered or ended');
    if (reason) this.deps.logger.debug({ callId, reason }, 'call rejected');
    return { call: ended.call };
  }

  /**
   * Cancel (caller, ringing), decline (callee, ringing) or hang up (either, active). A client
   * whose media gave up says so (`reason`), and the active call ends `failed`/`disconnected`.
   */
  async end(
    actor: Actor,
    { callId, reason: mediaEnd }: EndCallPayload,
  ): Promise<{ call: CallInfo }> {
    // Re-read if the state moved between reading and the compare-and-set (e.g. the callee
    // accepted just as the caller cancelled): the caller then hangs up the active call.
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await this.partyCall(actor, callId);
      const { transfers } = this.deps;
      if (transfers?.isTarget(record, actor.identity.userId)) {
        // Completed meanwhile: the call is theirs now, and this hangs it up (next attempt).
        const declined = await transfers.declined(record, actor);
        if (declined) return declined;
        continue;
      }
      const lineDecline = this.lineDecline(record, actor);
      if (lineDecline) return { call: await lineDecline };
      const side = sideOf(record, actor.identity.userId);
      const reason: EndReason =
        record.call.state === 'active'
          ? (mediaEnd ?? 'completed')
          : side === 'caller'
            ? record.call.line
              ? 'abandoned'
              : 'cancelled'
            : 'rejected';
      const ended = await this.ender.finish(record, reason, actor.identity.userId);
      if (ended) return { call: ended.call };
    }
    throw fail.invalidState('the call changed state; try again');
  }

  async relaySignal(actor: Actor, { callId, signal, consult }: MediaSignalPayload): Promise<void> {
    const record = await this.partyCall(actor, callId);
    if (consult) {
      if (!this.deps.transfers) throw fail.invalidState('this server does not transfer calls');
      return this.deps.transfers.relayConsult(record, actor, signal);
    }
    if (record.media !== 'p2p') throw fail.invalidState('media-signal is only used by P2P calls');
    if (record.call.state !== 'active') throw fail.invalidState('the call is not active');
    const side = sideOf(record, actor.identity.userId) as PartySide;
    if (record.sockets[side] !== actor.socketId) {
      throw fail.invalidState('this connection does not carry the call; send sync first');
    }
    const peer = record.sockets[otherSide(side)];
    if (!peer) throw fail.offline('the other party is reconnecting');
    // The privacy setting may hold back what would reveal this party's address to the peer.
    const out = this.deps.media.filterSignal
      ? await this.deps.media.filterSignal(record, side, signal)
      : signal;
    if (out) this.deps.emitter.toSocket(peer, 'media-signal', { callId, signal: out });
  }

  /** See `ReconnectManager.handleSync`. */
  sync(actor: Actor): Promise<SyncedCall[]> {
    return this.reconnect.handleSync(actor);
  }

  /** See `ReconnectManager.handleConnectionClosed`. */
  connectionClosed(actor: Actor): Promise<void> {
    return this.reconnect.handleConnectionClosed(actor);
  }

  /** Reloads unfinished calls from the call log at start (`ReconnectManager.recover`). */
  recover(): Promise<void> {
    return this.reconnect.recover();
  }

  /** Ends the call with `reason` if it is still in `state` (timers, webhooks). Never throws. */
  endIfStill(
    callId: string,
    state: CallInfo['state'],
    reason: EndReason,
    endedBy?: string,
  ): Promise<void> {
    return this.ender.endIfStill(callId, state, reason, endedBy);
  }

  close(): void {
    this.timers.clearAll();
  }

  private async resolveConflict(
    actor: Actor,
    attempted: CallRecord,
    conflict: CallRecord,
  ): Promise<{ call: CallInfo; media?: Media }> {
    const me = actor.identity.userId;
    const peer = attempted.call.to.id;
    const { call } = conflict;
    if (call.state === 'ringing' && call.from.id === peer && call.to.id === me) {
      // Glare: both called each other. Answer the call that rang first instead of making two.
      return this.accept(actor, { callId: call.id });
    }
    if (call.state === 'ringing' && call.from.id === me && call.to.id === peer) {
      return { call }; // a duplicate initiate: the same call again
    }
    if (call.from.id === me || call.to.id === me) {
      throw fail.invalidState('you are already in a call; end it first');
    }
    await this.ender.recordEnded(attempted, 'busy');
    throw fail.busy();
  }

  /** A ringing line call declined by its agent (or one of those it rings) goes to the next. */
  private lineDecline(record: CallRecord, actor: Actor): Promise<CallInfo> | undefined {
    const { userId } = actor.identity;
    const { lines } = this.deps;
    if (!lines || !record.call.line || record.call.state !== 'ringing') return undefined;
    if (sideOf(record, userId) !== 'callee' && !lines.isOffered(record, userId)) return undefined;
    return lines.declined(record, userId);
  }

  /**
   * The call if the actor is a party of it (or is offered it: ring-all, a transfer's target);
   * ended calls give invalid-state, others not-found.
   */
  private async partyCall(actor: Actor, callId: string): Promise<CallRecord> {
    const { tenant, userId } = actor.identity;
    const record = await this.deps.registry.get(callId);
    const offered =
      record &&
      (this.deps.lines?.isOffered(record, userId) || this.deps.transfers?.isTarget(record, userId));
    if (record && record.tenant === tenant && (sideOf(record, userId) || offered)) return record;
    if (!record) {
      const logged = await this.deps.callLog.get(callId);
      const call = logged?.tenant === tenant ? logged.call : undefined;
      if (call && (call.from.id === userId || call.to.id === userId)) {
        throw fail.invalidState('the call has already ended');
      }
    }
    throw fail.notFound();
  }
}
