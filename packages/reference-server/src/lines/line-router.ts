import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type {
  CallInfo,
  EndReason,
  Line,
  LineCallPayload,
  AgentLineStatus,
  LineStatus,
  Party,
} from '@synapse-calling/protocol';
import type { Actor } from '../calls/actor';
import type { CallEmitter, CallRecorder } from '../calls/call-events';
import type { CallLifecycle } from '../calls/lifecycle';
import { timerKeys, type Timers } from '../calls/timers';
import { fail } from '../errors';
import type { MediaProvider } from '../media/media-provider';
import type { PresenceManager } from '../presence/presence-manager';
import type { ClaimStore } from '../stores/claim-store';
import type { CallRecord, CallRegistry } from '../stores/types';
import type { AgentPicker } from './agent-picker';
import { isOpen } from './business-hours';
import { LineQueue, isWaiting, waitingParty } from './line-queue';
import { endedFor, offered, offeredIds, type LineCallHooks } from './line-call';
import { agentLineStatus, lineStatus } from './line-status';
import type { LineStore } from './line-store';

export interface LineRouterDeps {
  store: LineStore;
  picker: AgentPicker;
  registry: CallRegistry & Required<Pick<CallRegistry, 'reassignCallee'>>;
  media: Pick<MediaProvider, 'kind' | 'roomFor' | 'prepare'>;
  emitter: CallEmitter;
  recorder: CallRecorder;
  presence: Pick<PresenceManager, 'refresh'>;
  claims: ClaimStore;
  timers: Timers;
  /** Ends a call through the call manager (log, fan-out, presence), if still in `state`. */
  endIfStill: (callId: string, state: CallInfo['state'], reason: EndReason) => Promise<void>;
  logger: Logger;
}

const waitKey = (callId: string) => `${timerKeys.call(callId)}line-wait`;
/** How often each node hands waiting calls to agents who became free and ends overdue ones. */
const SWEEP_MS = 1_000;
const SWEEP_KEY = 'lines|sweep';
const answerKey = (callId: string) => `line-answer:${callId}`;
/** How long the first accept of a ring-all call holds it (longer than any accept takes). */
const ANSWER_CLAIM_MS = 10 * 60_000;

/**
 * Calls to a line: one call whose callee the server picks (docs/lines.md). It rings one agent
 * (or, `ring-all`, every available agent) and moves on after the line's per-agent timeout or a
 * decline, by a compare-and-set of the callee in the registry, so no agent is ever booked for
 * two calls, on any number of nodes. The call log row follows the callee: it names the agent who
 * answered.
 */
export class LineRouter implements LineCallHooks, Pick<CallLifecycle, 'callEnded' | 'callActive'> {
  private readonly queue: LineQueue;

  constructor(private readonly deps: LineRouterDeps) {
    this.queue = new LineQueue(deps);
  }

  /**
   * Starts the sweep: waiting calls ring agents who became free (whatever freed them: a call's
   * end on another node, a status change, a resumed line), and calls waiting past their line's
   * limit end even if the node that placed them (and its timer) is gone. Stopped by clearing
   * the shared timers (the call manager's `close()`).
   */
  start(): void {
    this.deps.timers.set(SWEEP_KEY, SWEEP_MS, () => {
      void this.sweep()
        .catch((err: unknown) => this.deps.logger.error({ err }, 'line sweep failed'))
        .finally(() => this.start());
    });
  }

  async initiate(actor: Actor, payload: LineCallPayload): Promise<{ call: CallInfo }> {
    const { tenant, userId, name, role } = actor.identity;
    // Lines of other tenants are simply not found: the same answer as an unknown line.
    const line = await this.deps.store.get(tenant, payload.toLine);
    if (!line) throw fail.notFound('line');
    if (!isOpen(line.businessHours, Date.now())) {
      throw fail.lineClosed(line.closedMessage ?? 'the line is closed');
    }
    const id = randomUUID();
    const from: Party = { id: userId, name, role };
    for (const agents of await this.offers(tenant, line, [userId])) {
      const [first] = agents as [Party, ...Party[]];
      const record: CallRecord = {
        call: {
          id,
          from,
          to: first,
          state: 'ringing',
          createdAt: Date.now(),
          line: line.id,
          mediaKind: this.deps.media.kind,
        },
        tenant,
        media: this.deps.media.kind,
        room: this.deps.media.roomFor(tenant, id),
        sockets: { caller: actor.socketId, callee: null },
        line: { tried: agents.map((a) => a.id), ...offered(agents) },
      };
      if (payload.metadata !== undefined) record.call.metadata = payload.metadata;
      const created = await this.deps.registry.create(record);
      if (!created.ok) {
        const { call } = created.conflict;
        if (call.from.id === userId || call.to.id === userId) {
          throw fail.invalidState('you are already in a call; end it first');
        }
        continue; // that agent was booked meanwhile: the next one
      }
      this.deps.timers.set(waitKey(id), line.maxWaitMs, () => {
        void this.deps.endIfStill(id, 'ringing', 'missed');
      });
      await this.deps.recorder.record(record, 'call.ringing');
      this.ring(record, line, agents);
      await this.deps.presence.refresh(tenant, userId);
      return { call: record.call };
    }
    return this.enqueue(actor, line, id, payload);
  }

  /** Nobody is free: the call waits in the line's queue, if there is room. */
  private async enqueue(
    actor: Actor,
    line: Line,
    id: string,
    payload: LineCallPayload,
  ): Promise<{ call: CallInfo }> {
    const { tenant, userId, name, role } = actor.identity;
    if ((await this.queue.waiting(tenant, line.id)).length >= line.maxQueueLength) {
      throw fail.busy('every agent of the line is busy and its queue is full');
    }
    const record: CallRecord = {
      call: {
        id,
        from: { id: userId, name, role },
        to: waitingParty(line, id),
        state: 'ringing',
        createdAt: Date.now(),
        line: line.id,
        mediaKind: this.deps.media.kind,
      },
      tenant,
      media: this.deps.media.kind,
      room: this.deps.media.roomFor(tenant, id),
      sockets: { caller: actor.socketId, callee: null },
      line: { tried: [] },
    };
    if (payload.metadata !== undefined) record.call.metadata = payload.metadata;
    const created = await this.deps.registry.create(record);
    if (!created.ok) throw fail.invalidState('you are already in a call; end it first');
    this.deps.timers.set(waitKey(id), line.maxWaitMs, () => {
      void this.deps.endIfStill(id, 'ringing', 'missed');
    });
    // Logged (history, recovery) but no `call.ringing` event: nobody rings yet.
    await this.deps.recorder.record(record);
    await this.deps.presence.refresh(tenant, userId);
    // After the ack: the caller's client knows the call before it hears its position.
    setImmediate(() => void this.queue.announce(tenant, line.id).catch(() => undefined));
    return { call: record.call };
  }

  /** Hands waiting calls to free agents, oldest first, then tells the rest their places. */
  async dispatch(tenant: string, lineId: string): Promise<void> {
    const line = await this.deps.store.get(tenant, lineId);
    for (const record of await this.queue.waiting(tenant, lineId)) {
      if (!line) {
        await this.deps.endIfStill(record.call.id, 'ringing', 'missed');
        continue;
      }
      const exclude = [record.call.from.id, ...(record.line?.tried ?? [])];
      const offers = await this.offers(tenant, line, exclude);
      if (offers.length === 0) continue; // a later call may still fit an agent this one tried
      await this.offer(record, line, offers, []);
    }
    await this.queue.announce(tenant, lineId);
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    const lines = new Map<string, { tenant: string; lineId: string }>();
    // Ringing ones too: their timers lived on the node that rang them, which may be gone.
    for (const record of await this.queue.unanswered()) {
      const { tenant, call } = record;
      const line = await this.deps.store.get(tenant, call.line as string);
      if (!line || call.createdAt + line.maxWaitMs < now) {
        await this.deps.endIfStill(call.id, 'ringing', 'missed');
        continue;
      }
      if (isWaiting(record)) lines.set(`${tenant}\u0000${line.id}`, { tenant, lineId: line.id });
    }
    for (const { tenant, lineId } of lines.values()) await this.dispatch(tenant, lineId);
  }

  /**
   * Gives the call to the first group of `offers` whose agent is still free, by a
   * compare-and-set of its callee; true when one rings now. `stale` agents (those it rang until
   * now) are told it stopped ringing for them.
   */
  private async offer(
    record: CallRecord,
    line: Line,
    offers: Party[][],
    stale: string[],
    why: 'missed' | 'rejected' = 'missed',
  ): Promise<boolean | 'moved'> {
    const { tenant, call } = record;
    const tried = record.line?.tried ?? [];
    for (const agents of offers) {
      const [first] = agents as [Party, ...Party[]];
      const moved = await this.deps.registry.reassignCallee(call.id, call.to.id, (cur) => ({
        ...cur,
        call: { ...cur.call, to: first },
        line: { tried: [...tried, ...agents.map((a) => a.id)], ...offered(agents) },
      }));
      if (!moved.ok && moved.reason === 'moved') return 'moved';
      if (!moved.ok) continue;
      for (const id of stale) {
        this.deps.emitter.toUser(tenant, id, 'call-ended', { call: endedFor(call, id, why) });
      }
      this.queue.forget(call.id);
      await this.deps.recorder.record(moved.record, 'call.ringing');
      this.ring(moved.record, line, agents);
      await Promise.all(stale.map((id) => this.deps.presence.refresh(tenant, id)));
      return true;
    }
    return false;
  }

  /** `GET /api/lines/:id/status`: counts only, never which agents. */
  status(tenant: string, lineId: string): Promise<LineStatus> {
    return lineStatus({ ...this.deps, queue: this.queue }, tenant, lineId);
  }

  /** `GET /api/lines/:id/agent-status`: a member agent's view (see `agentLineStatus`). */
  agentStatus(tenant: string, lineId: string, userId: string): Promise<AgentLineStatus> {
    return agentLineStatus({ ...this.deps, queue: this.queue }, tenant, lineId, userId);
  }

  isOffered(record: CallRecord, userId: string): boolean {
    return record.call.state === 'ringing' && (record.line?.offered ?? []).includes(userId);
  }

  async claimAnswer(record: CallRecord, actor: Actor): Promise<CallRecord> {
    const { userId } = actor.identity;
    const offers = record.line?.offered;
    if (!offers) return record; // one agent rings: the usual accept decides
    // Several agents ring: the first to accept, on any node, answers.
    if (!(await this.deps.claims.claim(answerKey(record.call.id), ANSWER_CLAIM_MS))) {
      throw fail.invalidState('another agent answered the call');
    }
    let answered = record;
    if (record.call.to.id !== userId) {
      const party: Party = { id: userId, name: actor.identity.name, role: actor.identity.role };
      const moved = await this.deps.registry.reassignCallee(
        record.call.id,
        record.call.to.id,
        (cur) => ({ ...cur, call: { ...cur.call, to: party } }),
      );
      if (!moved.ok) {
        await this.deps.claims.release(answerKey(record.call.id));
        throw moved.reason === 'busy'
          ? fail.invalidState('you are already in a call; end it first')
          : fail.invalidState('the call was already answered or ended');
      }
      answered = moved.record;
      await this.deps.presence.refresh(record.tenant, record.call.to.id);
    }
    for (const other of offers) {
      if (other !== userId) {
        this.deps.emitter.toUser(record.tenant, other, 'call-answered-elsewhere', {
          call: answered.call,
        });
      }
    }
    return answered;
  }

  async declined(record: CallRecord, userId: string): Promise<CallInfo> {
    const view = endedFor(record.call, userId, 'rejected');
    this.deps.picker.coolDown(record.tenant, userId);
    const offers = record.line?.offered;
    if (offers && offers.length > 1) {
      await this.withdraw(record, userId, view);
      return view;
    }
    await this.moveOn(record.call.id, { agent: userId }, 'rejected');
    return view;
  }

  /** A line call was answered: its wait feeds the line's estimate. */
  callActive(record: CallRecord): void {
    this.queue.forget(record.call.id);
    this.queue.answered(record);
  }

  /**
   * Ring-all: agents still offered a call that ended are told it ended. Any call's end may free
   * an agent, and an abandoned call moves the others up: the tenant's lines are dispatched.
   */
  callEnded(record: CallRecord): void {
    this.queue.forget(record.call.id);
    void this.dispatchTenant(record.tenant).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'line dispatch failed');
    });
    for (const other of record.line?.offered ?? []) {
      if (other !== record.call.to.id) {
        this.deps.emitter.toUser(record.tenant, other, 'call-ended', { call: record.call });
      }
    }
  }

  /**
   * The agent (or, ring-all, every offered agent) did not answer in time or declined: rings
   * the next available agents the call has not rung yet, or ends it `missed` when none is left.
   */
  private async moveOn(
    callId: string,
    expected: { agent: string } | { round: number },
    why: 'missed' | 'rejected',
  ): Promise<void> {
    const record = await this.deps.registry.get(callId);
    if (record?.call.state !== 'ringing') return;
    // Moved on already (by another node, a decline, an earlier timer): nothing to do.
    if ('agent' in expected && record.call.to.id !== expected.agent) return;
    if ('round' in expected && (record.line?.tried.length ?? 0) !== expected.round) return;
    const agentId = record.call.to.id;
    const { tenant } = record;
    const line = record.call.line ? await this.deps.store.get(tenant, record.call.line) : undefined;
    const tried = record.line?.tried ?? [];
    const stale = record.line?.offered ?? [agentId];
    if (why === 'missed') for (const id of stale) this.deps.picker.coolDown(tenant, id);
    if (!line) return this.deps.endIfStill(callId, 'ringing', 'missed');
    const offers = await this.offers(tenant, line, [record.call.from.id, ...tried]);
    if ((await this.offer(record, line, offers, stale, why)) !== false) return;
    // Nobody else is free: back to the queue, at its place (by when it was placed).
    const back = await this.deps.registry.reassignCallee(callId, agentId, (cur) => ({
      ...cur,
      call: { ...cur.call, to: waitingParty(line, callId) },
      line: { tried },
    }));
    if (!back.ok) return;
    for (const id of stale) {
      this.deps.emitter.toUser(tenant, id, 'call-ended', { call: endedFor(record.call, id, why) });
    }
    await this.deps.recorder.record(back.record);
    await Promise.all(stale.map((id) => this.deps.presence.refresh(tenant, id)));
    await this.queue.announce(tenant, line.id);
  }

  /** Dispatches every line of the tenant that has calls waiting. */
  async dispatchTenant(tenant: string): Promise<void> {
    const waiting = await this.queue.linesWithWaiting();
    const lines = new Set(waiting.filter((r) => r.tenant === tenant).map((r) => r.call.line));
    for (const lineId of lines) if (lineId) await this.dispatch(tenant, lineId);
  }

  /** Ring-all: one of several offered agents declined; the others keep ringing. */
  private async withdraw(record: CallRecord, userId: string, view: CallInfo): Promise<void> {
    const { tenant, call } = record;
    const rest = (record.line?.offered ?? []).filter((id) => id !== userId);
    const tried = record.line?.tried ?? [];
    const keep = (cur: CallRecord): CallRecord => ({
      ...cur,
      line: { tried, ...offeredIds(rest) },
    });
    if (call.to.id !== userId) {
      await this.deps.registry.transition(call.id, 'ringing', keep);
    } else {
      // The declining agent held the booking: hand it to another offered agent who is free.
      let handed = false;
      for (const next of rest) {
        const party = await this.deps.picker.party(tenant, next);
        if (!party) continue;
        const moved = await this.deps.registry.reassignCallee(call.id, userId, (cur) => ({
          ...keep(cur),
          call: { ...cur.call, to: party },
        }));
        if (moved.ok) handed = true;
        if (moved.ok || moved.reason === 'moved') break;
      }
      if (!handed) return this.moveOn(call.id, { agent: userId }, 'rejected');
      await this.deps.presence.refresh(tenant, userId);
    }
    this.deps.emitter.toUser(tenant, userId, 'call-ended', { call: view });
  }

  /** The agents to offer the call to, one group per attempt, in the line's order. */
  private async offers(tenant: string, line: Line, exclude: string[]): Promise<Party[][]> {
    const agents = await this.deps.picker.available(tenant, line, exclude);
    if (agents.length === 0) return [];
    // Ring-all offers everyone at once; if the first of them got booked meanwhile, the rest.
    if (line.strategy === 'ring-all') return agents.map((_, i) => agents.slice(i));
    return agents.map((agent) => [agent]);
  }

  /** Tells the offered agents, and starts the per-agent ring timer. */
  private ring(record: CallRecord, line: Line, agents: Party[]): void {
    const { tenant, call } = record;
    for (const agent of agents)
      this.deps.emitter.toUser(tenant, agent.id, 'incoming-call', { call });
    this.deps.media.prepare?.(record);
    this.deps.picker.rang(tenant, line.id, call.to.id);
    const round = record.line?.tried.length ?? 0;
    this.deps.timers.set(timerKeys.ring(call.id), line.agentRingTimeoutMs, () => {
      void this.moveOn(call.id, { round }, 'missed').catch((err: unknown) => {
        this.deps.logger.error({ err, callId: call.id }, 'line call could not move on');
      });
    });
  }
}
