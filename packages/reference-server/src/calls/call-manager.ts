import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  AcceptResult,
  Call,
  CallIdPayload,
  EndReason,
  InitiateCallPayload,
  Media,
  MediaSignalPayload,
  Party,
  RejectCallPayload,
  SyncedCall,
} from '@synapse-calling/sdk-core/protocol';
import type { Identity } from '../auth';
import { fail } from '../errors';
import type { MediaProvider } from '../media/media-provider';
import type { Metrics } from '../metrics';
import type { CanCall } from '../options';
import type { CallLog, CallRecord, CallRegistry, PartySide, PresenceStore } from '../stores/types';
import type { CallEmitter, CallRecorder } from './call-events';
import { Timers } from './timers';

/** Who sent an event: the verified identity and the connection it came on. */
export interface Actor {
  identity: Identity;
  socketId: string;
}

export interface CallManagerDeps {
  registry: CallRegistry;
  callLog: CallLog;
  presenceStore: PresenceStore;
  /** Re-derives a user's presence after their call state changed (busy on/off). */
  refreshPresence: (tenant: string, userId: string) => Promise<unknown>;
  media: MediaProvider;
  emitter: CallEmitter;
  recorder: CallRecorder;
  canCall: CanCall;
  metrics: Metrics;
  logger: Logger;
  ringTimeoutMs: number;
  reconnectGraceMs: number;
}

export const sideOf = (record: CallRecord, userId: string): PartySide | undefined =>
  record.call.from.id === userId ? 'caller' : record.call.to.id === userId ? 'callee' : undefined;
const other = (side: PartySide): PartySide => (side === 'caller' ? 'callee' : 'caller');

/**
 * The call state machine: ringing → active → ended, or ringing → ended. Every transition is a
 * compare-and-set on the registry, so of two racing accepts exactly one wins and duplicates or
 * late messages find the state already moved and get an error ack, changing nothing.
 */
export class CallManager {
  private readonly timers = new Timers();

  constructor(private readonly deps: CallManagerDeps) {}

  async initiate(
    actor: Actor,
    payload: InitiateCallPayload,
  ): Promise<{ call: Call; media?: Media }> {
    const { tenant, userId, name, role } = actor.identity;
    if (payload.to === userId) throw fail.invalidPayload('you cannot call yourself');
    const { party: callee, online } = await this.lookupCallee(tenant, payload.to);
    const from: Party = { id: userId, name, role };
    let allowed: boolean;
    try {
      allowed = await this.deps.canCall({ ...from, tenant }, { ...callee, tenant });
    } catch (err) {
      this.deps.logger.error({ err }, 'canCall hook failed');
      throw fail.internal('the call policy failed');
    }
    if (!allowed) throw fail.forbidden('you may not call this user');
    if (!online) throw fail.offline();

    const id = randomUUID();
    const record: CallRecord = {
      call: { id, from, to: callee, state: 'ringing', createdAt: Date.now() },
      tenant,
      media: this.deps.media.kind,
      room: this.deps.media.roomFor(tenant, id),
      sockets: { caller: actor.socketId, callee: null },
    };
    if (payload.metadata !== undefined) record.call.metadata = payload.metadata;

    if ((await this.deps.presenceStore.getManualStatus(tenant, callee.id)) === 'dnd') {
      await this.recordBusy(record);
      throw fail.busy('the callee does not want to be disturbed');
    }
    const created = await this.deps.registry.create(record);
    if (!created.ok) return this.resolveConflict(actor, record, created.conflict);

    this.timers.set(`${id}|ring`, this.deps.ringTimeoutMs, () => this.onRingTimeout(id));
    await this.deps.recorder.record(record, 'call.ringing');
    this.deps.emitter.toUser(tenant, callee.id, 'incoming-call', { call: record.call });
    await this.refreshParties(record);
    return { call: record.call };
  }

  async accept(actor: Actor, { callId }: CallIdPayload): Promise<AcceptResult> {
    const record = await this.partyCall(actor, callId);
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
    this.timers.clear(`${callId}|ring`);

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
      await this.finish(active, 'failed');
      throw fail.internal('could not set up media for the call');
    }
    await this.deps.recorder.record(active, 'call.accepted');
    const { tenant } = active;
    if (active.sockets.caller) {
      this.deps.emitter.toSocket(active.sockets.caller, 'call-accepted', {
        call: active.call,
        media: callerMedia,
      });
    }
    this.deps.emitter.toUser(
      tenant,
      active.call.to.id,
      'call-answered-elsewhere',
      { call: active.call },
      actor.socketId,
    );
    await this.refreshParties(active);
    // The call may have been ended while the room was being created: do not leak the room.
    if (!(await this.deps.registry.get(callId))) await this.deps.media.close(active);
    return { call: active.call, media: calleeMedia };
  }

  async reject(actor: Actor, { callId, reason }: RejectCallPayload): Promise<{ call: Call }> {
    const record = await this.partyCall(actor, callId);
    if (sideOf(record, actor.identity.userId) !== 'callee') {
      throw fail.forbidden('only the callee can reject a call; the caller ends it');
    }
    if (record.call.state !== 'ringing') throw fail.invalidState('the call is not ringing');
    const ended = await this.finish(record, 'rejected', actor.identity.userId);
    if (!ended) throw fail.invalidState('the call was already answered or ended');
    if (reason) this.deps.logger.debug({ callId, reason }, 'call rejected');
    return { call: ended.call };
  }

  /** Cancel (caller, ringing), decline (callee, ringing) or hang up (either, active). */
  async end(actor: Actor, { callId }: CallIdPayload): Promise<{ call: Call }> {
    // Retry once if the state moved between reading and the compare-and-set (e.g. the callee
    // accepted just as the caller cancelled): the caller then hangs up the active call.
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await this.partyCall(actor, callId);
      const side = sideOf(record, actor.identity.userId);
      const reason: EndReason =
        record.call.state === 'active' ? 'completed' : side === 'caller' ? 'cancelled' : 'rejected';
      const ended = await this.finish(record, reason, actor.identity.userId);
      if (ended) return { call: ended.call };
    }
    throw fail.invalidState('the call changed state; try again');
  }

  async relaySignal(actor: Actor, { callId, signal }: MediaSignalPayload): Promise<void> {
    const record = await this.partyCall(actor, callId);
    if (record.media !== 'p2p') throw fail.invalidState('media-signal is only used by P2P calls');
    if (record.call.state !== 'active') throw fail.invalidState('the call is not active');
    const side = sideOf(record, actor.identity.userId) as PartySide;
    if (record.sockets[side] !== actor.socketId) {
      throw fail.invalidState('this connection does not carry the call; send sync first');
    }
    const peer = record.sockets[other(side)];
    if (!peer) throw fail.offline('the other party is reconnecting');
    this.deps.emitter.toSocket(peer, 'media-signal', { callId, signal });
  }

  /**
   * The user's unfinished calls. A connection that syncs while the party's call connection is
   * gone (reload, network change) takes the call over and gets fresh media for it.
   */
  async sync(actor: Actor): Promise<SyncedCall[]> {
    const { tenant, userId } = actor.identity;
    const result: SyncedCall[] = [];
    for (const record of await this.deps.registry.forUser(tenant, userId)) {
      const side = sideOf(record, userId) as PartySide;
      let owner = record.sockets[side];
      const claimable = record.call.state === 'active' || side === 'caller';
      if (
        claimable &&
        owner !== actor.socketId &&
        !(owner && this.deps.emitter.isConnected(owner))
      ) {
        await this.deps.registry.setSocket(record.call.id, side, actor.socketId);
        this.timers.clear(`${record.call.id}|grace|${userId}`);
        owner = actor.socketId;
      }
      const synced: SyncedCall = { call: record.call };
      if (record.call.state === 'active' && owner === actor.socketId) {
        synced.media = await this.deps.media.mediaFor(record, side);
      }
      result.push(synced);
    }
    return result;
  }

  /** A connection closed: the calls it carried wait `reconnectGraceMs` for a `sync`. */
  async connectionClosed(actor: Actor): Promise<void> {
    const { tenant, userId } = actor.identity;
    for (const record of await this.deps.registry.forUser(tenant, userId)) {
      const side = sideOf(record, userId) as PartySide;
      if (record.sockets[side] !== actor.socketId) continue;
      await this.deps.registry.setSocket(record.call.id, side, null);
      this.startGrace(record.call.id, userId);
    }
  }

  async isInCall(tenant: string, userId: string): Promise<boolean> {
    const calls = await this.deps.registry.forUser(tenant, userId);
    return calls.some((r) => r.call.state === 'active');
  }

  /**
   * After a restart: calls that were ringing end `failed` (their ring and both sockets are gone);
   * active calls come back with no connection and wait the grace window for each party to sync.
   */
  async recover(): Promise<void> {
    for (const entry of await this.deps.callLog.listUnfinished()) {
      const record: CallRecord = {
        call: entry.call,
        tenant: entry.tenant,
        media: entry.media,
        room: entry.room,
        sockets: { caller: null, callee: null },
      };
      const restored = entry.call.state === 'active' && (await this.deps.registry.create(record));
      if (restored && restored.ok) {
        // The room may have emptied out and been closed by LiveKit while we were down.
        await this.deps.media.open(record).catch((err: unknown) => {
          this.deps.logger.warn({ err, callId: record.call.id }, 'could not reopen the room');
        });
        this.startGrace(record.call.id, record.call.from.id);
        this.startGrace(record.call.id, record.call.to.id);
        continue;
      }
      const now = Date.now();
      record.call = { ...record.call, state: 'ended', endedAt: now, endReason: 'failed' };
      this.deps.metrics.callsEnded.inc({ reason: 'failed' });
      await this.deps.recorder.record(record, 'call.ended');
    }
  }

  close(): void {
    this.timers.clearAll();
  }

  private startGrace(callId: string, userId: string): void {
    this.timers.set(`${callId}|grace|${userId}`, this.deps.reconnectGraceMs, () => {
      void this.graceExpired(callId, userId);
    });
  }

  private async graceExpired(callId: string, userId: string): Promise<void> {
    try {
      const record = await this.deps.registry.get(callId);
      const side = record && sideOf(record, userId);
      if (!record || !side || record.sockets[side] !== null) return;
      const reason = record.call.state === 'ringing' ? 'cancelled' : 'disconnected';
      await this.endIfStill(callId, record.call.state, reason, userId);
    } catch (err) {
      this.deps.logger.error({ err, callId }, 'grace expiry failed');
    }
  }

  private onRingTimeout(callId: string): void {
    void this.endIfStill(callId, 'ringing', 'missed');
  }

  /** Ends the call with `reason` if it is still in `state` (timers, webhooks). Never throws. */
  async endIfStill(
    callId: string,
    state: Call['state'],
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

  /** Ends a call (compare-and-set from the state it was read in) and tells everyone. */
  private async finish(
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
    this.timers.clearPrefix(`${call.id}|`);
    this.deps.metrics.callsEnded.inc({ reason });
    await this.deps.recorder.record(ended, 'call.ended');
    if (reason === 'rejected') {
      this.deps.emitter.toUser(tenant, call.from.id, 'call-rejected', { call });
    }
    this.deps.emitter.toUser(tenant, call.from.id, 'call-ended', { call });
    this.deps.emitter.toUser(tenant, call.to.id, 'call-ended', { call });
    if (from === 'active') void this.deps.media.close(ended);
    await this.refreshParties(ended);
    return ended;
  }

  /** Logs a call that never rang because the callee was busy (or in do-not-disturb). */
  private async recordBusy(record: CallRecord): Promise<void> {
    const now = Date.now();
    record.call = { ...record.call, state: 'ended', endedAt: now, endReason: 'busy' };
    this.deps.metrics.callsEnded.inc({ reason: 'busy' });
    await this.deps.recorder.record(record, 'call.ended');
  }

  private async resolveConflict(
    actor: Actor,
    attempted: CallRecord,
    conflict: CallRecord,
  ): Promise<{ call: Call; media?: Media }> {
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
    await this.recordBusy(attempted);
    throw fail.busy();
  }

  private async lookupCallee(
    tenant: string,
    userId: string,
  ): Promise<{ party: Party; online: boolean }> {
    const conns = await this.deps.presenceStore.connections(tenant, userId);
    const latest = conns.sort((a, b) => b.connectedAt - a.connectedAt)[0];
    if (latest) {
      return { party: { id: userId, name: latest.name, role: latest.role }, online: true };
    }
    // Unknown users (including every user of other tenants) look exactly like offline ones.
    const user = await this.deps.presenceStore.getUser(tenant, userId);
    if (!user) throw fail.offline();
    return { party: { id: userId, name: user.name, role: user.role }, online: false };
  }

  /** The call if the actor is a party of it; ended calls give invalid-state, others not-found. */
  private async partyCall(actor: Actor, callId: string): Promise<CallRecord> {
    const { tenant, userId } = actor.identity;
    const record = await this.deps.registry.get(callId);
    if (record && record.tenant === tenant && sideOf(record, userId)) return record;
    if (!record) {
      const logged = await this.deps.callLog.get(callId);
      const call = logged?.tenant === tenant ? logged.call : undefined;
      if (call && (call.from.id === userId || call.to.id === userId)) {
        throw fail.invalidState('the call has already ended');
      }
    }
    throw fail.notFound();
  }

  private async refreshParties(record: CallRecord): Promise<void> {
    await Promise.all([
      this.deps.refreshPresence(record.tenant, record.call.from.id),
      this.deps.refreshPresence(record.tenant, record.call.to.id),
    ]);
  }
}
