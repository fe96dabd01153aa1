import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ConnectionPointer, RedisPresenceStore } from '../stores/redis-presence-store';

export interface ClusterNodeDeps {
  redis: Redis;
  store: RedisPresenceStore;
  nodeId: string;
  /** Lifetime of the heartbeat key; refreshed every third of it. */
  ttlMs: number;
  logger: Logger;
  /** Handles one connection of a dead node as if it had just closed on this node. */
  onConnectionLost: (pointer: ConnectionPointer) => Promise<void>;
  /** Runs after every sweep (recovery of what died with other nodes, e.g. ring timers). */
  onTick: () => Promise<void>;
  /** This node was declared dead (e.g. a long pause) and its entries swept: start over. */
  onDeclaredDead: () => void;
}

/**
 * Membership of one server node. The node keeps `node:{id}` alive with a TTL; when a node
 * stops refreshing it (crash, partition, graceful close deleting it), its connection entries stop
 * counting at once (RedisPresenceStore ignores them) and the first live node to notice sweeps
 * them: each goes through the normal closed-connection path (call reconnect grace, presence
 * grace, then `offline` published to every node). A lease key names the node sweeping; each
 * connection leaves the sweep's set once handled, so a sweep that dies half-way is resumed by the
 * next node and nothing it had not handled goes unannounced.
 */
export class ClusterNode {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly deps: ClusterNodeDeps) {}

  private get nodesKey() {
    return this.deps.store.nodesKey;
  }

  async start(): Promise<void> {
    const { redis, store, nodeId, ttlMs } = this.deps;
    await redis.set(store.nodeKey(nodeId), String(Date.now()), 'PX', ttlMs);
    await redis.sadd(this.nodesKey, nodeId);
    this.timer = setInterval(
      () => {
        this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
      },
      Math.max(Math.floor(ttlMs / 3), 50),
    );
    this.timer.unref();
  }

  /** Graceful stop: deleting the key lets the other nodes take over our connections at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    const { redis, store, nodeId } = this.deps;
    await redis.del(store.nodeKey(nodeId));
  }

  private async tick(): Promise<void> {
    const { redis, store, nodeId, ttlMs, logger } = this.deps;
    try {
      const previous = await redis.set(
        store.nodeKey(nodeId),
        String(Date.now()),
        'PX',
        ttlMs,
        'GET',
      );
      if (previous === null) {
        // Our key expired before we refreshed it: others may have swept our connections.
        logger.warn({ nodeId }, 'heartbeat key had expired; reconnecting local clients');
        await redis.sadd(this.nodesKey, nodeId);
        this.deps.onDeclaredDead();
      }
      await this.sweep();
      await this.deps.onTick();
    } catch (err) {
      logger.error({ err, nodeId }, 'cluster heartbeat failed');
    }
  }

  private async sweep(): Promise<void> {
    const { redis, store, nodeId, ttlMs } = this.deps;
    for (const other of await redis.smembers(this.nodesKey)) {
      if (other === nodeId || (await redis.exists(store.nodeKey(other))) === 1) continue;
      // A lease, renewed while sweeping: if this node dies mid-sweep, the lease runs out and the
      // next node to notice resumes with the connections not yet swept.
      const leased = await redis.set(store.sweepLeaseKey(other), nodeId, 'PX', ttlMs, 'NX');
      if (leased !== 'OK') continue; // another node sweeps it
      await this.sweepNode(other);
    }
  }

  private async sweepNode(other: string): Promise<void> {
    const { redis, store, ttlMs, logger } = this.deps;
    const lost = await store.connectionsToSweep(other);
    logger.warn(
      { node: other, connections: lost.length },
      'node is gone; sweeping its connections',
    );
    let failed = 0;
    for (const pointer of lost) {
      try {
        await this.deps.onConnectionLost(pointer);
        await store.swept(other, pointer);
      } catch (err) {
        failed++; // left in the set: the next sweep tries it again
        logger.error({ err, node: other }, 'sweeping a lost connection failed');
      }
      await redis.pexpire(store.sweepLeaseKey(other), ttlMs);
    }
    if (failed === 0) await store.sweepDone(other);
    else await redis.del(store.sweepLeaseKey(other));
  }
}
