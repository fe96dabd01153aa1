import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RedisClaimStore } from '../stores/claim-store';
import { RedisCallLog } from '../stores/redis-call-log';
import { RedisCallRegistry } from '../stores/redis-call-registry';
import { RedisPresenceStore, type ConnectionPointer } from '../stores/redis-presence-store';
import { RedisPushSubscriptions } from '../stores/redis-push-subscriptions';
import { loadRedis } from '../optional-deps';
import { ClusterNode } from './cluster-node';
import {
  createClusterAdapter,
  createRedisClient,
  type ClusterAdapter,
  type RedisSentinelOptions,
} from './redis-connection';

/** `createSynapseServer({ redis })`: several nodes sharing one Redis act as one server. */
export interface RedisOptions {
  /** `redis://[:password@]host:port[/db]` (or `rediss://`). This or `sentinel`. */
  url?: string;
  /** Redis behind Sentinel (failover): the sentinels and the master group's name. */
  sentinel?: RedisSentinelOptions;
  /** Prefix of every key and pub/sub channel, to share one Redis between deployments. Default `synapse:`. */
  keyPrefix?: string;
  /** This node's id; unique per process. Default `<hostname>-<pid>-<random>`. */
  nodeId?: string;
  /**
   * Lifetime of the node heartbeat key, refreshed every third of it. A crashed node is noticed
   * by the others within this plus a third of it (10 s by default); its calls then wait the
   * reconnect grace and its users the presence grace. Shorter notices sooner, but a node that
   * stalls longer than this (a long GC pause, Redis unreachable) is declared dead and its clients
   * reconnect. Default 7500.
   */
  nodeTtlMs?: number;
}

export interface RedisCluster {
  nodeId: string;
  /** Prefix of every key (`RedisOptions.keyPrefix`). */
  keyPrefix: string;
  /** The command connection (also `clients[0]`). */
  redis: Redis;
  /** Every connection to Redis: commands, broadcasts (closed by `close`). */
  clients: Redis[];
  presence: RedisPresenceStore;
  registry: RedisCallRegistry;
  callLog: RedisCallLog;
  push: RedisPushSubscriptions;
  claims: RedisClaimStore;
  /** The Socket.IO adapter (Redis Streams, or pub/sub when only that package is installed). */
  adapter: ClusterAdapter['factory'];
  adapterKind: ClusterAdapter['kind'];
  /** Starts the heartbeat and the sweep of dead nodes; call once the managers are wired. */
  start(hooks: {
    onConnectionLost: (pointer: ConnectionPointer) => Promise<void>;
    onDeclaredDead: () => void;
    onTick: () => Promise<void>;
  }): Promise<void>;
  nodeTtlMs: number;
  /** Stops the heartbeat (deleting the key, so others take over at once) and disconnects. */
  close(): Promise<void>;
}

export const DEFAULT_NODE_TTL_MS = 7_500;

export async function connectRedisCluster(
  options: RedisOptions,
  logger: Logger,
): Promise<RedisCluster> {
  const prefix = options.keyPrefix ?? 'synapse:';
  const nodeTtlMs = options.nodeTtlMs ?? DEFAULT_NODE_TTL_MS;
  const nodeId = options.nodeId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  if (!options.url === !options.sentinel) throw new Error('redis needs either url or sentinel');
  // Optional peers: a single node never loads them.
  const { Redis, adapter: adapterModule } = await loadRedis();
  const redis = createRedisClient(Redis, options);
  redis.on('error', (err: unknown) => logger.error({ err }, 'redis error'));
  // Fail fast at start instead of queueing commands forever against a wrong address.
  await redis.connect();
  const pub = redis.duplicate();
  pub.on('error', (err: unknown) => logger.error({ err }, 'redis broadcast error'));
  // Connected before the adapter subscribes: a lazy client closed while still connecting would
  // reject the adapter's (unawaited) subscribe calls.
  await pub.connect();
  const clients: Redis[] = [redis, pub];
  const adapter = createClusterAdapter(adapterModule, pub, prefix, logger, (c) => clients.push(c));
  const presence = new RedisPresenceStore(redis, nodeId, prefix);
  let node: ClusterNode | undefined;
  return {
    nodeId,
    nodeTtlMs,
    keyPrefix: prefix,
    redis,
    clients,
    presence,
    registry: new RedisCallRegistry(redis, prefix),
    callLog: new RedisCallLog(redis, prefix),
    push: new RedisPushSubscriptions(redis, prefix),
    claims: new RedisClaimStore(redis, prefix),
    adapter: adapter.factory,
    adapterKind: adapter.kind,
    async start(hooks) {
      node = new ClusterNode({
        redis,
        store: presence,
        nodeId,
        ttlMs: nodeTtlMs,
        logger,
        ...hooks,
      });
      await node.start();
    },
    async close() {
      await node?.stop().catch((err: unknown) => logger.warn({ err }, 'heartbeat stop failed'));
      // Commands first: work still in flight then fails on its next command (and is caught
      // there) instead of reaching a publish on a closed connection.
      adapter.close();
      // The adapter's readers block in XREAD: a QUIT would wait for it to time out.
      for (const client of clients.slice(2)) client.disconnect();
      for (const client of [redis, pub]) await client.quit().catch(() => client.disconnect());
    },
  };
}
