import type { Redis } from 'ioredis';

/** One slot per open connection of a user, up to a maximum per user. */
export interface ConnectionSlots {
  /** Takes a slot for the connection; `false` when the user's slots are all taken. */
  acquire(userKey: string, socketId: string): Promise<boolean>;
  /** Frees the connection's slot; a slot not held is a no-op. */
  release(userKey: string, socketId: string): Promise<void>;
}

/**
 * Slots of one process. Check and take happen without an `await` between them. A user's socket
 * ids are kept in an array: a few at most, and a Set per user costs more.
 */
export class MemoryConnectionSlots implements ConnectionSlots {
  private readonly held = new Map<string, readonly string[]>();

  constructor(private readonly max: number) {}

  async acquire(userKey: string, socketId: string): Promise<boolean> {
    const sockets = this.held.get(userKey) ?? [];
    if (sockets.length >= this.max) return false;
    if (!sockets.includes(socketId)) this.held.set(userKey, sockets.concat(socketId));
    return true;
  }

  async release(userKey: string, socketId: string): Promise<void> {
    const sockets = this.held.get(userKey)?.filter((id) => id !== socketId);
    if (!sockets) return;
    if (sockets.length === 0) this.held.delete(userKey);
    else this.held.set(userKey, sockets);
  }
}

/**
 * Frees the slots of dead nodes, then takes one if the user has fewer than ARGV[3]. KEYS[1]: the
 * user's hash of socket id → node id. ARGV: socket id, node id, maximum, prefix of the nodes'
 * heartbeat keys, lifetime of the hash in ms. Returns 1 when taken.
 */
const ACQUIRE = `
local held = redis.call('HGETALL', KEYS[1])
for i = 1, #held, 2 do
  if redis.call('EXISTS', ARGV[4] .. held[i + 1]) == 0 then redis.call('HDEL', KEYS[1], held[i]) end
end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/**
 * A connection lives no longer than its token, and tokens are meant to be short: a day covers
 * any sane token, and only bounds how long the slots of a user who never comes back linger.
 */
const SLOTS_TTL_MS = 24 * 60 * 60 * 1000;

type Scripted = Redis & {
  synapseAcquireSlot(key: string, ...args: string[]): Promise<number>;
};

/**
 * Slots in Redis, so the maximum holds across nodes. Each slot records its node; the slots of a
 * node whose heartbeat key is gone (crashed, or closed) are freed by the next acquire, so a
 * crash never leaves a user locked out.
 */
export class RedisConnectionSlots implements ConnectionSlots {
  private readonly redis: Scripted;

  constructor(
    redis: Redis,
    private readonly options: {
      max: number;
      nodeId: string;
      prefix: string;
      /** Prefix of the node heartbeat keys (`<prefix>node:`), to tell live nodes' slots. */
      nodeKeyPrefix: string;
    },
  ) {
    redis.defineCommand('synapseAcquireSlot', { numberOfKeys: 1, lua: ACQUIRE });
    this.redis = redis as Scripted;
  }

  private key = (userKey: string) => `${this.options.prefix}conn-slots:${userKey}`;

  async acquire(userKey: string, socketId: string): Promise<boolean> {
    const { max, nodeId, nodeKeyPrefix } = this.options;
    const taken = await this.redis.synapseAcquireSlot(
      this.key(userKey),
      socketId,
      nodeId,
      String(max),
      nodeKeyPrefix,
      String(SLOTS_TTL_MS),
    );
    return taken === 1;
  }

  async release(userKey: string, socketId: string): Promise<void> {
    await this.redis.hdel(this.key(userKey), socketId);
  }
}
