import type { CallState } from '@synapse-calling/protocol';
import { withSocket } from './deadlines';
import { userKey } from './keys';
import type {
  CallCounts,
  CallRecord,
  CallRegistry,
  CreateResult,
  PartySide,
  ReassignResult,
} from './types';

/**
 * Single-process registry. Every method body runs without an `await` between its check and its
 * write, which is what makes `create` and `transition` atomic on one Node event loop.
 */
export class MemoryCallRegistry implements CallRegistry {
  private readonly calls = new Map<string, CallRecord>();
  /** userKey → id of the user's unfinished call (one call per user at a time). */
  private readonly byUser = new Map<string, string>();

  async create(record: CallRecord): Promise<CreateResult> {
    const { tenant, call } = record;
    for (const id of [call.from.id, call.to.id]) {
      const existing = this.byUser.get(userKey(tenant, id));
      const conflict = existing ? this.calls.get(existing) : undefined;
      if (conflict) return { ok: false, conflict: clone(conflict) };
    }
    this.calls.set(call.id, clone(record));
    this.byUser.set(userKey(tenant, call.from.id), call.id);
    this.byUser.set(userKey(tenant, call.to.id), call.id);
    return { ok: true };
  }

  async get(callId: string): Promise<CallRecord | undefined> {
    const record = this.calls.get(callId);
    return record ? clone(record) : undefined;
  }

  async transition(
    callId: string,
    expected: CallState,
    update: (current: CallRecord) => CallRecord,
  ): Promise<CallRecord | undefined> {
    const current = this.calls.get(callId);
    if (!current || current.call.state !== expected) return undefined;
    const next = clone(update(clone(current)));
    if (next.call.state === 'ended') {
      this.calls.delete(callId);
      for (const id of [next.call.from.id, next.call.to.id]) {
        const key = userKey(next.tenant, id);
        if (this.byUser.get(key) === callId) this.byUser.delete(key);
      }
    } else {
      this.calls.set(callId, next);
    }
    return clone(next);
  }

  async claimSocket(
    callId: string,
    side: PartySide,
    expected: string | null,
    socketId: string | null,
    graceUntil?: number,
  ): Promise<CallRecord | undefined> {
    const current = this.calls.get(callId);
    if (!current || current.sockets[side] !== expected) return undefined;
    const next = clone(withSocket(current, side, socketId, graceUntil));
    this.calls.set(callId, next);
    return clone(next);
  }

  async reassignCallee(
    callId: string,
    expectedCallee: string,
    update: (current: CallRecord) => CallRecord,
  ): Promise<ReassignResult> {
    const current = this.calls.get(callId);
    if (current?.call.state !== 'ringing' || current.call.to.id !== expectedCallee) {
      return { ok: false, reason: 'moved' };
    }
    const next = clone(update(clone(current)));
    const nextKey = userKey(next.tenant, next.call.to.id);
    const holder = this.byUser.get(nextKey);
    if (holder && holder !== callId && this.calls.has(holder)) return { ok: false, reason: 'busy' };
    const oldKey = userKey(current.tenant, expectedCallee);
    if (this.byUser.get(oldKey) === callId) this.byUser.delete(oldKey);
    this.byUser.set(nextKey, callId);
    this.calls.set(callId, next);
    return { ok: true, record: clone(next) };
  }

  async rebook(
    callId: string,
    { book, release }: { book?: string | undefined; release?: string | undefined },
    update: (current: CallRecord) => CallRecord | undefined,
  ): Promise<ReassignResult> {
    const current = this.calls.get(callId);
    const updated = current && update(clone(current));
    if (!current || !updated) return { ok: false, reason: 'moved' };
    const next = clone(updated);
    const bookKey = book === undefined ? undefined : userKey(next.tenant, book);
    const holder = bookKey && this.byUser.get(bookKey);
    if (holder && holder !== callId && this.calls.has(holder)) return { ok: false, reason: 'busy' };
    const releaseKey = release === undefined ? undefined : userKey(next.tenant, release);
    if (releaseKey && this.byUser.get(releaseKey) === callId) this.byUser.delete(releaseKey);
    if (bookKey) this.byUser.set(bookKey, callId);
    this.calls.set(callId, next);
    return { ok: true, record: clone(next) };
  }

  async forUser(tenant: string, userId: string): Promise<CallRecord[]> {
    const id = this.byUser.get(userKey(tenant, userId));
    const record = id ? this.calls.get(id) : undefined;
    return record ? [clone(record)] : [];
  }

  async all(): Promise<CallRecord[]> {
    return [...this.calls.values()].map(clone);
  }

  async counts(): Promise<CallCounts> {
    return countByState(this.calls.values());
  }
}

/** Callers get copies so that nobody mutates stored state except through the registry. */
function clone(record: CallRecord): CallRecord {
  return structuredClone(record);
}

/** Counts records by state (the fallback for registries without `counts()`). */
export function countByState(records: Iterable<CallRecord>): CallCounts {
  const counts: CallCounts = { ringing: 0, active: 0 };
  for (const { call } of records) if (call.state !== 'ended') counts[call.state] += 1;
  return counts;
}
