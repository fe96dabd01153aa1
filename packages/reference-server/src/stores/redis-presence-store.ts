import type { Redis } from 'ioredis';
import type { PresenceStatus } from '@synapse-calling/protocol';
import { userKey } from './keys';
import type {
  ConnectionEntry,
  ManualStatus,
  PresenceStore,
  SharedPresenceState,
  UserRecord,
} from './types';

/** A connection entry as stored: the entry plus the node whose socket it is. */
interface StoredEntry extends ConnectionEntry {
  node: string;
}

/** Where a connection lives, kept per node so a dead node's connections can be found. */
export interface ConnectionPointer {
  tenant: string;
  userId: string;
  socketId: string;
}

/** Sets the field only if the entry still exists: a late `idle` must not revive a closed socket. */
const SET_IF_PRESENT = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local entry = cjson.decode(raw)
entry.idle = ARGV[2] == '1'
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
return 1`;

/** Upserts the user; an absent lastSeen keeps the stored one (like the SQLite COALESCE). */
const SAVE_USER = `
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'role', ARGV[2])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'lastSeen', ARGV[3]) end
return 1`;

const SWAP_SHOWN = `
local old = redis.call('GET', KEYS[1])
if ARGV[1] == 'offline' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1]) end
return old`;

/**
 * Leases a due grace window: pushes its due time `ARGV[3]` ms ahead if it is still due at
 * `ARGV[2]`. Returns 1 when leased. The caller removes it when done; if the caller dies first,
 * the window falls due again and another node ends it.
 */
const LEASE_DUE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) > tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
return 1`;

/** How long a node has to end a grace window it leased before another node may take it. */
const GRACE_LEASE_MS = 10_000;

type Scripted = Redis & {
  synapseSetIdle(key: string, socketId: string, idle: string): Promise<number>;
  synapseSaveUser(key: string, name: string, role: string, lastSeen: string): Promise<number>;
  synapseSwapShown(key: string, status: string): Promise<string | null>;
  synapseLeaseDue(key: string, member: string, now: string, leaseMs: string): Promise<number>;
};

/**
 * Presence in Redis, shared by every node. Each connection entry records its node; entries of a
 * node whose heartbeat key has expired are ignored (and removed by the sweep in ClusterNode), so
 * a crashed node's users go offline instead of staying online as ghosts. The user directory is
 * a Redis hash, durable as far as the Redis server persists (AOF).
 */
export class RedisPresenceStore implements PresenceStore, SharedPresenceState {
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    readonly nodeId: string,
    private readonly prefix = 'synapse:',
  ) {
    redis.defineCommand('synapseSetIdle', { numberOfKeys: 1, lua: SET_IF_PRESENT });
    redis.defineCommand('synapseSaveUser', { numberOfKeys: 1, lua: SAVE_USER });
    redis.defineCommand('synapseSwapShown', { numberOfKeys: 1, lua: SWAP_SHOWN });
    redis.defineCommand('synapseLeaseDue', { numberOfKeys: 1, lua: LEASE_DUE });
    this.redis = redis as Scripted;
  }

  private key = (kind: string, tenant: string, userId: string) =>
    `${this.prefix}${kind}:${userKey(tenant, userId)}`;
  /** Set of the ids of the nodes that joined and were not yet swept. */
  get nodesKey(): string {
    return `${this.prefix}nodes`;
  }
  /** Heartbeat key of a node: exists while the node is alive. */
  nodeKey = (nodeId: string) => `${this.prefix}node:${nodeId}`;
  /** Set of the connections a node holds (JSON pointers). */
  nodeConnectionsKey = (nodeId: string) => `${this.prefix}node-conns:${nodeId}`;
  private socketKey = (socketId: string) => `${this.prefix}socket:${socketId}`;

  async addConnection(entry: ConnectionEntry): Promise<void> {
    const stored: StoredEntry = { ...entry, node: this.nodeId };
    const pointer: ConnectionPointer = {
      tenant: entry.tenant,
      userId: entry.userId,
      socketId: entry.socketId,
    };
    await this.redis
      .multi()
      .hset(this.key('conns', entry.tenant, entry.userId), entry.socketId, JSON.stringify(stored))
      .sadd(this.nodeConnectionsKey(this.nodeId), JSON.stringify(pointer))
      .set(this.socketKey(entry.socketId), this.nodeId)
      .exec();
  }

  async removeConnection(tenant: string, userId: string, socketId: string): Promise<number> {
    const key = this.key('conns', tenant, userId);
    const raw = await this.redis.hget(key, socketId);
    if (raw) {
      const { node } = JSON.parse(raw) as StoredEntry;
      await this.redis
        .multi()
        .hdel(key, socketId)
        .srem(this.nodeConnectionsKey(node), JSON.stringify({ tenant, userId, socketId }))
        .del(this.socketKey(socketId))
        .exec();
    }
    return (await this.connections(tenant, userId)).length;
  }

  async connections(tenant: string, userId: string): Promise<ConnectionEntry[]> {
    const all = Object.values(await this.redis.hgetall(this.key('conns', tenant, userId))).map(
      (raw) => JSON.parse(raw) as StoredEntry,
    );
    const alive = await this.aliveNodes(all.map((e) => e.node));
    return all.filter((e) => alive.has(e.node)).map(({ node: _node, ...entry }) => entry);
  }

  /** Whether a socket id belongs to a live connection on any live node. */
  async socketAlive(socketId: string): Promise<boolean> {
    const node = await this.redis.get(this.socketKey(socketId));
    return node !== null && (await this.aliveNodes([node])).has(node);
  }

  async setIdle(tenant: string, userId: string, socketId: string, idle: boolean): Promise<void> {
    await this.redis.synapseSetIdle(this.key('conns', tenant, userId), socketId, idle ? '1' : '0');
  }

  async getManualStatus(tenant: string, userId: string): Promise<ManualStatus> {
    return (await this.redis.get(this.key('manual', tenant, userId))) as ManualStatus;
  }

  async setManualStatus(tenant: string, userId: string, status: ManualStatus): Promise<void> {
    const key = this.key('manual', tenant, userId);
    if (status) await this.redis.set(key, status);
    else await this.redis.del(key);
  }

  async getUser(tenant: string, userId: string): Promise<UserRecord | undefined> {
    const row = await this.redis.hgetall(this.key('user', tenant, userId));
    if (!row.name || !row.role) return undefined;
    return {
      tenant,
      userId,
      name: row.name,
      role: row.role as UserRecord['role'],
      lastSeen: row.lastSeen ? Number(row.lastSeen) : null,
    };
  }

  async saveUser(user: UserRecord): Promise<void> {
    await this.redis.synapseSaveUser(
      this.key('user', user.tenant, user.userId),
      user.name,
      user.role,
      user.lastSeen === null ? '' : String(user.lastSeen),
    );
  }

  async touchLastSeen(users: Array<{ tenant: string; userId: string }>, at: number): Promise<void> {
    if (users.length === 0) return;
    const batch = this.redis.pipeline();
    for (const { tenant, userId } of users) {
      batch.hset(this.key('user', tenant, userId), 'lastSeen', String(at));
    }
    await batch.exec();
  }

  async swapShown(tenant: string, userId: string, status: PresenceStatus): Promise<PresenceStatus> {
    const old = await this.redis.synapseSwapShown(this.key('shown', tenant, userId), status);
    return (old ?? 'offline') as PresenceStatus;
  }

  async shown(tenant: string, userId: string): Promise<PresenceStatus> {
    const raw = await this.redis.get(this.key('shown', tenant, userId));
    return (raw ?? 'offline') as PresenceStatus;
  }

  async setGrace(tenant: string, userId: string, since: number, ttlMs: number): Promise<void> {
    // The key outlives the window (whoever ends it still reads `since`); the due set says when.
    await this.redis
      .multi()
      .set(this.key('grace', tenant, userId), String(since), 'PX', ttlMs + 60_000)
      .zadd(this.graceDueKey, since + ttlMs, JSON.stringify([tenant, userId]))
      .exec();
  }

  async clearGrace(tenant: string, userId: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.key('grace', tenant, userId))
      .zrem(this.graceDueKey, JSON.stringify([tenant, userId]))
      .exec();
  }

  async claimDueGraces(now: number): Promise<Array<{ tenant: string; userId: string }>> {
    const claimed: Array<{ tenant: string; userId: string }> = [];
    for (const member of await this.redis.zrangebyscore(this.graceDueKey, '-inf', now)) {
      // A lease, not a removal: one node at a time ends the grace, and if it dies before
      // `clearGrace`, the window falls due again for another node.
      const leased = await this.redis.synapseLeaseDue(
        this.graceDueKey,
        member,
        String(now),
        String(GRACE_LEASE_MS),
      );
      if (leased !== 1) continue;
      const [tenant, userId] = JSON.parse(member) as [string, string];
      claimed.push({ tenant, userId });
    }
    return claimed;
  }

  private get graceDueKey(): string {
    return `${this.prefix}grace-due`;
  }

  async graceSince(tenant: string, userId: string): Promise<number | null> {
    const raw = await this.redis.get(this.key('grace', tenant, userId));
    return raw === null ? null : Number(raw);
  }

  /** Lease of the node sweeping a dead node (its id), renewed while it sweeps. */
  sweepLeaseKey = (nodeId: string) => `${this.prefix}sweep:${nodeId}`;
  /** The dead node's connections not yet swept (moved out of `node-conns`). */
  private sweepingKey = (nodeId: string) => `${this.prefix}sweeping:${nodeId}`;

  /**
   * The connections a dead node held and no sweep has finished, first moving what it still lists
   * into a set of their own (closing a connection removes it from `node-conns`, and the sweep
   * closes them, so that set cannot record progress). Idempotent: a sweep that died is resumed.
   */
  async connectionsToSweep(nodeId: string): Promise<ConnectionPointer[]> {
    const pending = this.sweepingKey(nodeId);
    const listed = this.nodeConnectionsKey(nodeId);
    await this.redis.multi().sunionstore(pending, pending, listed).del(listed).exec();
    const raws = await this.redis.smembers(pending);
    return raws.map((raw) => JSON.parse(raw) as ConnectionPointer);
  }

  /** One connection of a dead node is swept: a resumed sweep skips it. */
  async swept(nodeId: string, pointer: ConnectionPointer): Promise<void> {
    await this.redis.srem(this.sweepingKey(nodeId), JSON.stringify(pointer));
  }

  /** The whole dead node is swept: it leaves the node set and its lease ends. */
  async sweepDone(nodeId: string): Promise<void> {
    await this.redis
      .multi()
      .del(this.sweepingKey(nodeId))
      .srem(this.nodesKey, nodeId)
      .del(this.sweepLeaseKey(nodeId))
      .exec();
  }

  private async aliveNodes(nodes: string[]): Promise<Set<string>> {
    const others = [...new Set(nodes)].filter((n) => n !== this.nodeId);
    const alive = new Set<string>([this.nodeId]);
    if (others.length === 0) return alive;
    const found = await this.redis.mget(others.map(this.nodeKey));
    others.forEach((node, i) => found[i] !== null && alive.add(node));
    return alive;
  }
}
