import type { Redis, RedisOptions as IoRedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Namespace, ServerOptions } from 'socket.io';
import type { RedisAdapterModule } from '../optional-deps';

/** Redis behind Sentinel: the nodes ask the sentinels which server is the master. */
export interface RedisSentinelOptions {
  /** Some or all of the sentinels (ioredis learns the others from them). */
  sentinels: Array<{ host: string; port: number }>;
  /** The master group name the sentinels monitor (`sentinel monitor <name> …`). Default `mymaster`. */
  name?: string;
  /** Password of the master and its replicas (`requirepass`), if any. */
  password?: string;
  /** Password of the sentinels themselves (`requirepass` in sentinel.conf), if any. */
  sentinelPassword?: string;
}

/**
 * Between two connection attempts. While a master fails over (Sentinel notices in its
 * `down-after-milliseconds`, then promotes a replica) commands wait in ioredis's queue and are
 * retried every this long, instead of failing at once.
 */
const RETRY_MS = 200;
/** Attempts a command waits through: 50 × 200 ms, about 10 s, longer than a Sentinel failover. */
const RETRIES_PER_REQUEST = 50;

/** The ioredis client for a plain URL or a Sentinel group (not connected yet). */
export function createRedisClient(
  RedisClass: typeof Redis,
  target: { url?: string | undefined; sentinel?: RedisSentinelOptions | undefined },
): Redis {
  const common: IoRedisOptions = {
    lazyConnect: true,
    maxRetriesPerRequest: RETRIES_PER_REQUEST,
    retryStrategy: () => RETRY_MS,
  };
  if (target.sentinel) {
    const { sentinels, name, password, sentinelPassword } = target.sentinel;
    return new RedisClass({
      ...common,
      sentinels,
      name: name ?? 'mymaster',
      ...(password ? { password } : {}),
      ...(sentinelPassword ? { sentinelPassword } : {}),
      sentinelRetryStrategy: () => RETRY_MS,
    });
  }
  if (!target.url) throw new Error('redis needs a url or sentinel');
  return new RedisClass(target.url, common);
}

/** What Socket.IO's `adapter` option takes, as a function of the namespace. */
type AdapterFactory = Extract<ServerOptions['adapter'], (nsp: Namespace) => unknown>;
type NamespaceAdapter = ReturnType<AdapterFactory>;

/** The Socket.IO adapter over Redis. */
export interface ClusterAdapter {
  kind: RedisAdapterModule['kind'];
  factory: AdapterFactory;
  /**
   * Closes every namespace's adapter. Before its connections are closed: the Streams adapter's
   * readers poll again at once after a failed read until their adapter is closed.
   */
  close(): void;
}

/**
 * The Streams adapter XADDs every broadcast to one stream and each node reads it with a blocking
 * XREAD from its last offset, so a broadcast made while Redis reconnects or fails over is queued,
 * written when Redis is back, and read by every node from where it stopped; with pub/sub, a
 * message published while a subscriber is reconnecting is gone. `client` publishes; `onClient`
 * is told of every connection the adapter opens for itself (to be closed with the node).
 */
export function createClusterAdapter(
  found: RedisAdapterModule,
  client: Redis,
  prefix: string,
  logger: Logger,
  onClient: (client: Redis) => void,
): ClusterAdapter {
  if (found.kind === 'pubsub') {
    logger.warn(
      'using the Redis pub/sub adapter: broadcasts sent while Redis fails over are lost; install @socket.io/redis-streams-adapter',
    );
    const sub = client.duplicate();
    sub.on('error', (err: unknown) => logger.error({ err }, 'redis pub/sub error'));
    onClient(sub);
    const factory = found.module.createAdapter(client, sub, { key: `${prefix}socket.io` });
    return closable('pubsub', factory as ClusterAdapter['factory']);
  }
  // The adapter duplicates the client it is given for its readers and ends them only after
  // their current blocking read: tracked, so that closing (or crashing) the node ends them too.
  const duplicate = client.duplicate.bind(client);
  client.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
    const reader = duplicate(...args);
    onClient(reader);
    return reader;
  }) as Redis['duplicate'];
  const factory = found.module.createAdapter(client, {
    streamName: `${prefix}socket.io`,
    channelPrefix: `${prefix}socket.io`,
    sessionKeyPrefix: `${prefix}sio:session:`,
  });
  return closable('streams', factory as ClusterAdapter['factory']);
}

function closable(
  kind: ClusterAdapter['kind'],
  factory: ClusterAdapter['factory'],
): ClusterAdapter {
  const made: NamespaceAdapter[] = [];
  return {
    kind,
    // Socket.IO calls it with `new`: a function (not an arrow) that returns the adapter.
    factory: function adapterOf(nsp: Namespace) {
      const adapter = factory(nsp);
      made.push(adapter);
      return adapter;
    },
    close: () => {
      for (const adapter of made.splice(0)) void adapter.close();
    },
  };
}
