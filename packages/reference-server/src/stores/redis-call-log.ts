import type { Redis } from 'ioredis';
import { legParties } from './call-rows';
import { userKey } from './keys';
import { InvalidCursorError, type CallLog, type CallLogEntry, type CallLogPage } from './types';

/**
 * Writes a row unless it is already ended (a late write of a transition that lost a race must
 * not revive history), and indexes it for both parties and for whoever held a side before a
 * transfer. KEYS: row, set of unfinished ids, then the index of each party. ARGV: entry JSON,
 * index member, call id, new state.
 */
const WRITE = `
local cur = redis.call('GET', KEYS[1])
if cur and cjson.decode(cur).call.state == 'ended' then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[2]) end
if ARGV[4] == 'ended' then redis.call('SREM', KEYS[2], ARGV[3])
else redis.call('SADD', KEYS[2], ARGV[3]) end
return 1`;

type Scripted = Redis & { synapseLogWrite(...args: string[]): Promise<number> };

/** Index members sort by creation time (zero-padded) then id, so `BYLEX REV` is newest first. */
const MEMBER = /^\d{15}:.+$/;
const member = (entry: CallLogEntry) =>
  `${String(entry.call.createdAt).padStart(15, '0')}:${entry.call.id}`;

/**
 * The call log in Redis, for several nodes: a call placed through one node and answered on
 * another is one row that `GET /api/calls` finds on every node. Durable only as far as the
 * Redis server persists (run it with `appendonly yes`); hosts that need the history in their own
 * database take it from `onCallEvent` / the webhook, as in single-node mode.
 */
export class RedisCallLog implements CallLog {
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    private readonly prefix = 'synapse:',
  ) {
    // No fixed key count: a transferred call indexes more parties (the count goes first).
    redis.defineCommand('synapseLogWrite', { lua: WRITE });
    this.redis = redis as Scripted;
  }

  private rowKey = (id: string) => `${this.prefix}log:${id}`;
  private indexKey = (tenant: string, userId: string) =>
    `${this.prefix}log-user:${userKey(tenant, userId)}`;
  private get unfinishedKey() {
    return `${this.prefix}log-unfinished`;
  }

  async write(entry: CallLogEntry): Promise<void> {
    const { tenant, call } = entry;
    const users = new Set([call.from.id, call.to.id, ...legParties(entry)]);
    const keys = [
      this.rowKey(call.id),
      this.unfinishedKey,
      ...[...users].map((user) => this.indexKey(tenant, user)),
    ];
    await this.redis.synapseLogWrite(
      String(keys.length),
      ...keys,
      JSON.stringify(entry),
      member(entry),
      call.id,
      call.state,
    );
  }

  async get(callId: string): Promise<CallLogEntry | undefined> {
    const raw = await this.redis.get(this.rowKey(callId));
    return raw ? (JSON.parse(raw) as CallLogEntry) : undefined;
  }

  async listForUser(
    tenant: string,
    userId: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<CallLogPage> {
    const start = cursor ? `(${decodeCursor(cursor)}` : '+';
    // One extra member tells whether another page exists.
    const members = await this.redis.zrange(
      this.indexKey(tenant, userId),
      start,
      '-',
      'BYLEX',
      'REV',
      'LIMIT',
      0,
      limit + 1,
    );
    const page = members.slice(0, limit);
    const ids = page.map((m) => m.slice(m.indexOf(':') + 1));
    const raws = ids.length > 0 ? await this.redis.mget(ids.map(this.rowKey)) : [];
    const last = page.at(-1);
    return {
      entries: raws
        .filter((r): r is string => r !== null)
        .map((r) => JSON.parse(r) as CallLogEntry),
      nextCursor: members.length > limit && last ? Buffer.from(last).toString('base64url') : null,
    };
  }

  async listUnfinished(): Promise<CallLogEntry[]> {
    const ids = await this.redis.smembers(this.unfinishedKey);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map(this.rowKey));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as CallLogEntry);
  }
}

function decodeCursor(cursor: string): string {
  const value = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!MEMBER.test(value)) throw new InvalidCursorError();
  return value;
}
