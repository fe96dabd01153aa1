import type { Redis } from 'ioredis';
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
 * Adds the call unless a party already has one. KEYS: call, caller's index, callee's index, set
 * of all calls, set of the calls in the new call's state. ARGV: record JSON, call id. Returns nil
 * on success, else the conflicting call id. An index pointing at a call that no longer exists is
 * stale and does not count.
 */
const CREATE = `
for i = 2, 3 do
  local other = redis.call('GET', KEYS[i])
  if other and redis.call('EXISTS', ARGV[3] .. other) == 1 then return other end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[2])
redis.call('SADD', KEYS[5], ARGV[2])
return false`;

/**
 * Compare-and-set on the whole stored JSON: replaces it only if nobody wrote it since we read it,
 * so every transition is atomic across nodes without holding a WATCH connection. KEYS: call,
 * caller's index, callee's index, set of all calls, set of ringing calls, set of active calls.
 * ARGV: JSON read, new JSON ('' removes the call: it ended), call id, new state. Returns 1 when
 * written, 0 when the stored value had changed.
 */
const CAS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SREM', KEYS[5], ARGV[3])
redis.call('SREM', KEYS[6], ARGV[3])
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  for i = 2, 3 do
    if redis.call('GET', KEYS[i]) == ARGV[3] then redis.call('DEL', KEYS[i]) end
  end
  redis.call('SREM', KEYS[4], ARGV[3])
else
  redis.call('SET', KEYS[1], ARGV[2])
  if ARGV[4] == 'ringing' then redis.call('SADD', KEYS[5], ARGV[3]) end
  if ARGV[4] == 'active' then redis.call('SADD', KEYS[6], ARGV[3]) end
end
return 1`;

/**
 * Gives a ringing call a new callee. KEYS: call, old callee's index, new callee's index. ARGV:
 * JSON read, new JSON, call id, call key prefix. Returns 'ok' when written, 'moved' when the
 * stored value had changed, 'busy' when the new callee's index points at another live call.
 */
const REASSIGN = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'moved' end
local other = redis.call('GET', KEYS[3])
if other and other ~= ARGV[3] and redis.call('EXISTS', ARGV[4] .. other) == 1 then return 'busy' end
if redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
redis.call('SET', KEYS[3], ARGV[3])
redis.call('SET', KEYS[1], ARGV[2])
return 'ok'`;

type Scripted = Redis & {
  synapseCallCreate(...args: string[]): Promise<string | null>;
  synapseCallCas(...args: string[]): Promise<number>;
  synapseCallReassign(...args: string[]): Promise<'ok' | 'moved' | 'busy'>;
};

/**
 * Unfinished calls in Redis, shared by every node. Records are JSON strings; `create` and
 * `transition` are Lua scripts, so of two accepts on two nodes exactly one wins.
 */
export class RedisCallRegistry implements CallRegistry {
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    private readonly prefix = 'synapse:',
  ) {
    redis.defineCommand('synapseCallCreate', { numberOfKeys: 5, lua: CREATE });
    redis.defineCommand('synapseCallCas', { numberOfKeys: 6, lua: CAS });
    redis.defineCommand('synapseCallReassign', { numberOfKeys: 3, lua: REASSIGN });
    this.redis = redis as Scripted;
  }

  private callKey = (id: string) => `${this.prefix}call:${id}`;
  private userIndex = (tenant: string, userId: string) =>
    `${this.prefix}user-call:${userKey(tenant, userId)}`;
  private get allKey() {
    return `${this.prefix}calls`;
  }
  /** Ids of the unfinished calls in one state, so that metrics count without reading calls. */
  private stateKey = (state: keyof CallCounts) => `${this.prefix}calls:${state}`;
  private keysOf(record: CallRecord): string[] {
    const { tenant, call } = record;
    return [
      this.callKey(call.id),
      this.userIndex(tenant, call.from.id),
      this.userIndex(tenant, call.to.id),
      this.allKey,
    ];
  }

  async create(record: CallRecord): Promise<CreateResult> {
    for (;;) {
      const conflictId = await this.redis.synapseCallCreate(
        ...this.keysOf(record),
        this.stateKey(record.call.state === 'active' ? 'active' : 'ringing'),
        JSON.stringify(record),
        record.call.id,
        `${this.prefix}call:`,
      );
      if (!conflictId) return { ok: true };
      const conflict = await this.get(conflictId);
      // The conflicting call ended between the script and this read: try again.
      if (conflict) return { ok: false, conflict };
    }
  }

  async get(callId: string): Promise<CallRecord | undefined> {
    const raw = await this.redis.get(this.callKey(callId));
    return raw ? (JSON.parse(raw) as CallRecord) : undefined;
  }

  async transition(
    callId: string,
    expected: CallState,
    update: (current: CallRecord) => CallRecord,
  ): Promise<CallRecord | undefined> {
    return this.update(callId, (current) =>
      current.call.state === expected ? update(current) : undefined,
    );
  }

  async claimSocket(
    callId: string,
    side: PartySide,
    expected: string | null,
    socketId: string | null,
    graceUntil?: number,
  ): Promise<CallRecord | undefined> {
    // The CAS script compares the whole record, so the check on the socket and the write are one.
    return this.update(callId, (current) =>
      current.sockets[side] === expected
        ? withSocket(current, side, socketId, graceUntil)
        : undefined,
    );
  }

  async reassignCallee(
    callId: string,
    expectedCallee: string,
    update: (current: CallRecord) => CallRecord,
  ): Promise<ReassignResult> {
    return this.swap(callId, (current) => {
      if (current.call.state !== 'ringing' || current.call.to.id !== expectedCallee) return;
      const next = update(current);
      return { next, release: expectedCallee, book: next.call.to.id };
    });
  }

  async rebook(
    callId: string,
    { book, release }: { book?: string | undefined; release?: string | undefined },
    update: (current: CallRecord) => CallRecord | undefined,
  ): Promise<ReassignResult> {
    return this.swap(callId, (current) => {
      const next = update(current);
      if (!next) return;
      // Nothing to release: an index no user has. Nothing to book: a party who keeps the call
      // (its index names it already).
      const { from, to } = current.call;
      const keep = from.id === release ? to.id : from.id;
      return { next, release: release ?? '\u0000nobody', book: book ?? keep };
    });
  }

  /**
   * Writes `decide`'s record while releasing one user's index and booking another's, by the
   * reassign script; `decide` returning undefined means "moved" (no change).
   */
  private async swap(
    callId: string,
    decide: (current: CallRecord) => { next: CallRecord; release: string; book: string } | void,
  ): Promise<ReassignResult> {
    for (;;) {
      const raw = await this.redis.get(this.callKey(callId));
      const current = raw ? (JSON.parse(raw) as CallRecord) : undefined;
      const decided = current && decide(structuredClone(current));
      if (!raw || !current || !decided) return { ok: false, reason: 'moved' };
      const { next, release, book } = decided;
      const result = await this.redis.synapseCallReassign(
        this.callKey(callId),
        this.userIndex(current.tenant, release),
        this.userIndex(current.tenant, book),
        raw,
        JSON.stringify(next),
        callId,
        `${this.prefix}call:`,
      );
      if (result === 'ok') return { ok: true, record: next };
      if (result === 'busy') return { ok: false, reason: 'busy' };
      // 'moved': another writer (a socket claim, say) got in between; read again and re-check.
    }
  }

  async forUser(tenant: string, userId: string): Promise<CallRecord[]> {
    const id = await this.redis.get(this.userIndex(tenant, userId));
    const record = id ? await this.get(id) : undefined;
    return record ? [record] : [];
  }

  async all(): Promise<CallRecord[]> {
    const ids = await this.redis.smembers(this.allKey);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map(this.callKey));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as CallRecord);
  }

  async counts(): Promise<CallCounts> {
    const [ringing, active] = await Promise.all([
      this.redis.scard(this.stateKey('ringing')),
      this.redis.scard(this.stateKey('active')),
    ]);
    return { ringing, active };
  }

  /**
   * Read, decide, compare-and-set; retried when another writer got in between (e.g. a
   * `claimSocket` while we accepted). `decide` returning undefined means "no change wanted".
   */
  private async update(
    callId: string,
    decide: (current: CallRecord) => CallRecord | undefined,
  ): Promise<CallRecord | undefined> {
    for (;;) {
      const raw = await this.redis.get(this.callKey(callId));
      if (!raw) return undefined;
      const current = JSON.parse(raw) as CallRecord;
      const next = decide(structuredClone(current));
      if (!next) return undefined;
      const stored = next.call.state === 'ended' ? '' : JSON.stringify(next);
      const written = await this.redis.synapseCallCas(
        ...this.keysOf(current),
        this.stateKey('ringing'),
        this.stateKey('active'),
        raw,
        stored,
        callId,
        next.call.state,
      );
      if (written === 1) return structuredClone(next);
    }
  }
}
