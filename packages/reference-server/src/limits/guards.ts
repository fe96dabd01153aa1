import type { Logger } from 'pino';
import type { RedisCluster } from '../cluster/redis-cluster';
import { memoryBudgets, redisBudgets, type Budget } from './budget';
import {
  MemoryConnectionSlots,
  RedisConnectionSlots,
  type ConnectionSlots,
} from './connection-slots';
import type { Limits } from './settings';

/** The limits in force and what enforces each; a budget is absent when its limit is off. */
export interface Guards {
  limits: Limits;
  /** Events of one user (key: userKey). */
  userEvents: Budget | undefined;
  /** New connections from one client address. */
  handshakes: Budget | undefined;
  restPerUser: Budget | undefined;
  restPerAddress: Budget | undefined;
  connectionSlots: ConnectionSlots;
}

/**
 * Builds the per-user and per-address budgets: in memory on one node, in Redis with a cluster,
 * so that a user's budget and connection cap hold wherever their connections land.
 */
export function createGuards(
  limits: Limits,
  cluster: RedisCluster | undefined,
  logger: Logger,
): Guards {
  const budgets = cluster
    ? redisBudgets(cluster.redis, cluster.keyPrefix, logger)
    : memoryBudgets();
  const rest = limits.restRateLimit;
  return {
    limits,
    userEvents: limits.userRateLimit
      ? budgets('user-events', limits.userRateLimit.perSecond)
      : undefined,
    handshakes: limits.handshakeRateLimit
      ? budgets('handshakes', limits.handshakeRateLimit.perSecond)
      : undefined,
    restPerUser: rest ? budgets('rest-user', rest.perUserPerSecond) : undefined,
    restPerAddress: rest ? budgets('rest-address', rest.perIpPerSecond) : undefined,
    connectionSlots: cluster
      ? new RedisConnectionSlots(cluster.redis, {
          max: limits.maxConnectionsPerUser,
          nodeId: cluster.nodeId,
          prefix: cluster.keyPrefix,
          nodeKeyPrefix: cluster.presence.nodeKey(''),
        })
      : new MemoryConnectionSlots(limits.maxConnectionsPerUser),
  };
}
