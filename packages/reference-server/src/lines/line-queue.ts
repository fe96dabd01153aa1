import type { Line, Party } from '@synapse-calling/protocol';
import type { CallEmitter } from '../calls/call-events';
import type { CallRecord, CallRegistry } from '../stores/types';

/**
 * The callee of a call waiting in a line's queue: a stand-in party of its own per call, so the
 * registry's one-call-per-callee index never makes two waiting calls collide, and handing the
 * call to an agent is the same compare-and-set of the callee as moving between agents.
 */
export function waitingParty(line: Pick<Line, 'id' | 'name'>, callId: string): Party {
  return { id: `line:${line.id}#${callId}`, name: line.name, role: 'agent' };
}

/** Whether a line call is waiting for an agent (no agent rings). */
export function isWaiting(record: CallRecord): boolean {
  const { call } = record;
  return (
    call.state === 'ringing' &&
    call.line !== undefined &&
    call.to.id === waitingParty({ id: call.line, name: '' }, call.id).id
  );
}

/** How many answer waits each line remembers for its estimate. */
const RECENT_WAITS = 20;

/**
 * The waiting calls of each line, in order, and what their callers were told. Positions are
 * computed from the shared registry, so every node agrees on them; the estimate and what was
 * last sent are this node's memory (another node's estimate may differ a little).
 */
export class LineQueue {
  /** Line key → recent waits from call to answer (ms), newest last. */
  private readonly waits = new Map<string, number[]>();
  /** Call id → the position its caller was last told. */
  private readonly told = new Map<string, number>();

  constructor(private readonly deps: { registry: CallRegistry; emitter: CallEmitter }) {}

  /** Waiting calls of one line, oldest first. */
  async waiting(tenant: string, lineId: string): Promise<CallRecord[]> {
    const calls = await this.deps.registry.all();
    return calls
      .filter((r) => r.tenant === tenant && r.call.line === lineId && isWaiting(r))
      .sort((a, b) => a.call.createdAt - b.call.createdAt || a.call.id.localeCompare(b.call.id));
  }

  /** Every waiting call, of every line. */
  async linesWithWaiting(): Promise<CallRecord[]> {
    return (await this.deps.registry.all()).filter(isWaiting);
  }

  /** Every line call not answered yet (waiting, or ringing an agent). */
  async unanswered(): Promise<CallRecord[]> {
    return (await this.deps.registry.all()).filter(
      (r) => r.call.line !== undefined && r.call.state === 'ringing',
    );
  }

  /** A line call was answered: its wait feeds the line's estimate. */
  answered(record: CallRecord): void {
    const { call } = record;
    if (!call.line || call.answeredAt === undefined) return;
    const key = `${record.tenant}\u0000${call.line}`;
    const waits = [...(this.waits.get(key) ?? []), call.answeredAt - call.createdAt];
    this.waits.set(key, waits.slice(-RECENT_WAITS));
  }

  /** Expected wait at `position` from recent answers; null while there are none. */
  expectedWaitMs(tenant: string, lineId: string, position: number): number | null {
    const waits = this.waits.get(`${tenant}\u0000${lineId}`);
    if (!waits?.length) return null;
    const average = waits.reduce((a, b) => a + b, 0) / waits.length;
    return Math.round(average * position);
  }

  /** Tells each waiting caller of the line their position when it changed. */
  async announce(tenant: string, lineId: string): Promise<void> {
    const waiting = await this.waiting(tenant, lineId);
    for (const [i, record] of waiting.entries()) {
      const position = i + 1;
      if (this.told.get(record.call.id) === position) continue;
      this.told.set(record.call.id, position);
      this.deps.emitter.toUser(tenant, record.call.from.id, 'queue-position', {
        callId: record.call.id,
        line: lineId,
        position,
        expectedWaitMs: this.expectedWaitMs(tenant, lineId, position),
      });
    }
  }

  /** The call left the queue for good (answered or ended). */
  forget(callId: string): void {
    this.told.delete(callId);
  }
}
