/**
 * @synapse-calling/reference-server — the reference signaling server for Synapse Calling.
 * Mount it into an existing server with `createSynapseServer`, or run it on its own with
 * `startSynapseServer` (what the `synapse-server` CLI does). See docs/server.md.
 */
export { createSynapseServer, type RedisConnection, type SynapseServer } from './server';
export {
  startSynapseServer,
  type RunningSynapseServer,
  type StartSynapseServerOptions,
} from './standalone';
export { configFromEnv, ConfigError } from './env-config';
export {
  defaultCanCall,
  defaultCanRecord,
  defaultCanWatch,
  DEFAULTS,
  type CallEvent,
  type CallEventType,
  type CanCall,
  type CanRecord,
  type CanWatch,
  type LiveKitOptions,
  type HandshakeRateLimitOptions,
  type PolicyParty,
  type PushOptions,
  type RateLimitOptions,
  type RecordingOptions,
  type RestRateLimitOptions,
  type SynapseServerOptions,
  type TenantSetting,
  type UserRateLimitOptions,
  type WebhookOptions,
} from './options';
export { DEFAULT_TURN_TTL_SECONDS, turnIceServer, type TurnOptions } from './media/turn';
export {
  relayOnlyRule,
  RELAY_ONLY_PRESETS,
  type RelayOnlyPolicy,
  type RelayOnlyPreset,
  type RelayOnlyRule,
} from './media/relay-policy';
export { relayCandidatesOnly } from './media/candidate-filter';
export type { Limits } from './limits/settings';
export { AuthError, createTokenVerifier, type AuthOptions, type Identity } from './auth';
export {
  signWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  EVENT_ID_HEADER,
} from './webhooks/webhook-sender';
export { createLogger } from './logger';
export { MemoryCallRegistry } from './stores/memory-call-registry';
export { SqlitePresenceStore } from './stores/sqlite-presence-store';
export { SqliteCallLog } from './stores/sqlite-call-log';
export { LocalRecordingStore } from './recording/local-store';
// The Redis stores are in the `./redis` entry: their types need ioredis, an optional peer.
export { SqlitePushSubscriptions } from './stores/sqlite-push-subscriptions';
export type { PushService } from './push/push-service';
export type { VapidKeys } from './push/vapid';
export type { RedisOptions } from './cluster/redis-cluster';
export type { RedisSentinelOptions } from './cluster/redis-connection';
export type { DrainOptions, DrainResult } from './cluster/drain';
export type { DatabaseOptions } from './stores/postgres/open-postgres';
export { MissingDependencyError } from './optional-deps';
export { openDatabase } from './stores/sqlite';
export type {
  CallCounts,
  CallLog,
  CallLogEntry,
  CallLogPage,
  CallRecord,
  CallRegistry,
  ConnectionEntry,
  ConnectionStore,
  CreateResult,
  ManualStatus,
  PartySide,
  PresenceStore,
  UserDirectory,
  PushSubscriptionRecord,
  PushSubscriptionStore,
  RecordingIndex,
  RecordingKey,
  RecordingRow,
  RecordingStore,
  UserRecord,
} from './stores/types';
