/**
 * `@synapse-calling/reference-server/redis` — the Redis stores, for hosts that assemble their own
 * stores. They take an ioredis client, so this entry needs `ioredis` installed (an optional peer
 * of the server); the `redis` setting of `createSynapseServer` uses them without this import.
 */
export { RedisCallRegistry } from './stores/redis-call-registry';
export { RedisPresenceStore } from './stores/redis-presence-store';
export { RedisCallLog } from './stores/redis-call-log';
export { RedisPushSubscriptions } from './stores/redis-push-subscriptions';
