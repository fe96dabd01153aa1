import type { Server as HttpServer } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { CallInfo, IceServer, Party } from '@synapse-calling/protocol';
import type { AuthOptions } from './auth';
import type { CanPublish } from './calls/media-policy';
import type { LinesConfig } from './lines/line-config';
import type { RelayOnlyPolicy } from './media/relay-policy';
import type { TurnOptions } from './media/turn';
import type { RedisOptions } from './cluster/redis-cluster';
import type { DatabaseOptions } from './stores/postgres/open-postgres';
import type {
  CallLog,
  CallRegistry,
  PresenceStore,
  PushSubscriptionStore,
  RecordingIndex,
  RecordingStore,
} from './stores/types';

/** A party as the policy hook sees it: the wire `Party` plus the tenant from the token. */
export interface PolicyParty extends Party {
  tenant: string;
}

/** Decides whether `from` may call `to`. Both are always in the same tenant when it is asked. */
export type CanCall = (from: PolicyParty, to: PolicyParty) => boolean | Promise<boolean>;

/**
 * Decides whether `watcher` may see the presence of `target` (both in the same tenant). A target
 * the watcher may not see looks exactly like an id nobody ever used: offline, `lastSeen: null`,
 * no changes sent. Watching yourself is always allowed (the hook is not asked).
 */
export type CanWatch = (watcher: PolicyParty, target: PolicyParty) => boolean | Promise<boolean>;

/**
 * Decides whether `actor` (a party of `call`) may start or stop recording it, or ask for it
 * with `metadata.record` when placing it. Default: agents.
 */
export type CanRecord = (
  actor: PolicyParty,
  call: CallInfo & { tenant: string },
) => boolean | Promise<boolean>;

/** A per-tenant switch: a fixed answer, or one looked up per call. */
export type TenantSetting = boolean | ((tenant: string) => boolean | Promise<boolean>);

export interface RecordingOptions {
  /** Who may record. Default: agents (`defaultCanRecord`). */
  canRecord?: CanRecord;
  /**
   * Whether recording waits for the explicit consent of the other party when that party is a
   * customer (their UI asks; declining is logged). Default false: both parties are told.
   */
  requireConsent?: TenantSetting;
  /**
   * Record every answered call of the tenant from the start. A caller allowed by `canRecord`
   * also turns it on for one call with `metadata: { record: true }`. Default false.
   */
  auto?: TenantSetting;
  /** Where the files go. Default: a `LocalRecordingStore` in `<dataDir>/recordings`. */
  store?: RecordingStore;
  /**
   * Where the metadata goes. Default: beside the call log (SQLite, or Redis with `redis`); set it
   * with your own `stores.callLog` in another database.
   */
  index?: RecordingIndex;
  /** Largest recording, in bytes; the recording fails (partial) beyond it. Default 200 MiB. */
  maxBytes?: number;
  /** Recordings whose capture stopped more than this many days ago are deleted. Default: kept. */
  retentionDays?: number;
  /**
   * P2P calls: how long after a recording stopped the server waits for the recording browser's
   * last chunk before it finalises the file with what it has. Default 15000.
   */
  uploadGraceMs?: number;
}

export type CallEventType =
  'call.ringing' | 'call.accepted' | 'call.transferred' | 'call.ended' | 'recording.ready';

/** One call transition, handed to `onCallEvent` and POSTed to the host webhook. */
export interface CallEvent {
  /** Unique per event; use it to de-duplicate webhook retries. */
  id: string;
  /**
   * The transition. `recording.ready` comes once a recording's file is finalised: `call` then
   * carries `recording.file` (download URL, duration, size, checksum, `partial`).
   * `call.transferred` comes when an agent handed the call to another: `call.legs` lists who
   * talked when, the last leg being the agent who has the call now.
   */
  type: CallEventType;
  call: CallInfo;
  tenant: string;
  /** Milliseconds since the epoch when the transition happened. */
  at: number;
}

export interface LiveKitOptions {
  /** URL clients connect to, e.g. `wss://livekit.example.com`. */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** URL of LiveKit's server API; default: `url` with ws(s) replaced by http(s). */
  apiUrl?: string;
  /** Lifetime of the room tokens handed to clients. Default 600 (10 min). */
  tokenTtlSeconds?: number;
  /** How long LiveKit keeps an empty room. Default 60. */
  emptyTimeoutSeconds?: number;
  /**
   * Oldest webhook signature accepted, in seconds since it was made (its `iat`, else `nbf`).
   * livekit-server signs each delivery afresh; a captured one replayed later is refused.
   * Default 300.
   */
  webhookMaxAgeSec?: number;
}

export interface WebhookOptions {
  /** Where each call event is POSTed as JSON. */
  url: string;
  /** HMAC-SHA256 key for the `X-Synapse-Signature` header; at least 32 characters. */
  secret: string;
  /** Attempts per event, including the first. Default 5. */
  maxAttempts?: number;
  /**
   * Pause after a failed attempt; doubles with each failure in a row (of any event), up to
   * `retryBaseMs * 2 ** (maxAttempts - 2)`. Default 500 ms.
   */
  retryBaseMs?: number;
  /**
   * Most events waiting for delivery; beyond it new events are dropped and counted in
   * `synapse_webhook_dead_letters_total{reason="queue-full"}`. Default 1000.
   */
  maxQueue?: number;
}

export interface PushOptions {
  /**
   * The VAPID key pair (base64url, as `web-push generate-vapid-keys` prints it). Default: keys
   * generated on the first start and kept in `<dataDir>/vapid-keys.json` (with `redis`: in
   * Redis, shared by every node). Browsers subscribed with one public key only accept pushes
   * signed with its private key: changing the keys silently ends every subscription.
   */
  vapid?: { publicKey: string; privateKey: string };
  /** Contact for the push services, `mailto:` or `https:`. Default `mailto:push@example.com`. */
  subject?: string;
  /**
   * Push endpoint origins allowed although they are not `https` on a public host, e.g. a push
   * service stand-in in tests (`http://127.0.0.1:4000`). Default `[]`. Every other endpoint
   * must be `https` and resolve to public addresses only, so that registering a subscription
   * cannot make the server send requests into its own network.
   */
  allowedEndpoints?: string[];
  /** Most browsers one user may register; registering another drops the oldest. Default 10. */
  maxSubscriptionsPerUser?: number;
}

export interface RateLimitOptions {
  /** Sustained events per second per connection. Default 20. */
  perSecond?: number;
  /** Bucket size: events allowed in a burst. Default 40. */
  burst?: number;
}

/** Events one user may send per second, all of their connections together (and all nodes). */
export interface UserRateLimitOptions {
  /** Events per one-second window. Default 60. */
  perSecond?: number;
}

/**
 * Connections one client address may open per second that do not authenticate: each new
 * connection counts until its token is accepted on `/call`, so users behind one office NAT are
 * not limited by each other, while a flood of connections without a (valid) token is.
 */
export interface HandshakeRateLimitOptions {
  /** Unauthenticated handshakes per one-second window and address. Default 20. */
  perSecond?: number;
}

/** REST requests per one-second window, per user and per client address. */
export interface RestRateLimitOptions {
  /** Requests per second of one user (by token). Default 20. */
  perUserPerSecond?: number;
  /**
   * Requests per second from one address that do not authenticate (each counts until its token
   * is accepted, so a forged-token flood costs a verification each only up to this). Default 50.
   */
  perIpPerSecond?: number;
}

export interface SynapseServerOptions {
  /** The HTTP server Socket.IO attaches to (its `/socket.io` path, namespace `/call`). */
  httpServer: HttpServer;
  /**
   * Express app to mount the REST routes on (`/healthz`, `/metrics`, `/api/...`). Add your own
   * routes before or after; the routes are also returned as `handle.router` to mount elsewhere.
   */
  app?: Express;
  /** How user tokens are verified. Required. */
  auth: AuthOptions;
  /** LiveKit SFU; when omitted, calls use peer-to-peer WebRTC. */
  livekit?: LiveKitOptions;
  /** ICE servers handed to P2P calls. Default `[]` (enough on one machine or LAN). */
  iceServers?: IceServer[];
  /**
   * A TURN server checking a shared secret (coturn `use-auth-secret`): every party of a P2P
   * call gets its own short-lived TURN credential, added to `iceServers`. See docs/deployment.md.
   */
  turn?: TurnOptions;
  /**
   * P2P privacy: whose network addresses the other party must never learn. Such a party's
   * client uses TURN only (`iceTransportPolicy: 'relay'`) and the server drops its host and
   * server-reflexive candidates from what it relays. `'off'` (default), `'all'`, `'agents'`
   * (customers never learn agents' addresses), or a rule `(party, peer) => boolean`
   * (`relayOnlyRule` builds per-tenant ones). Needs TURN (`turn`, or a `turn:` entry in
   * `iceServers`). LiveKit calls never expose a party's address to the other anyway.
   */
  relayOnly?: RelayOnlyPolicy;
  /** Directory of the SQLite database, or `':memory:'`. Default `./data`. */
  dataDir?: string;
  /**
   * Several nodes as one: presence, the call registry, the call log and Socket.IO broadcasts
   * live in this Redis, and each node keeps a heartbeat key so a crashed node's users go
   * offline. Default: unset (one process, memory + SQLite). See docs/deployment.md.
   */
  redis?: RedisOptions;
  /**
   * The call log and the user directory (name, role, lastSeen) in PostgreSQL instead of SQLite
   * (or Redis): the schema is created and migrated on start, and every node may point at the
   * same database. Needs the optional peer `pg`. Default: unset. See docs/deployment.md.
   */
  database?: DatabaseOptions;
  /**
   * Replace the embedded stores. Default: memory + SQLite, or the Redis ones with `redis` (where
   * replacing `callLog` with your own shared database is the usual choice).
   */
  stores?: {
    presence?: PresenceStore;
    registry?: CallRegistry;
    callLog?: CallLog;
    /** Web Push subscriptions; replace it along with `callLog` when you bring your own database. */
    push?: PushSubscriptionStore;
  };
  /** How long an unanswered call rings before it ends `missed`. Default 30000. */
  ringTimeoutMs?: number;
  /**
   * Support lines per tenant (docs/lines.md): `{ acme: { support: { members: [...] } } }`. Put
   * into the line store at every start; the admin API (`/api/admin/lines`) changes them after.
   */
  lines?: LinesConfig;
  /** After declining or missing a line call, an agent is skipped by the lines for this long. Default 10000. */
  lineCooldownMs?: number;
  /** How long a party whose connection dropped may take to come back and `sync`. Default 10000. */
  reconnectGraceMs?: number;
  /** How long after a user's last connection drops before they show `offline`. Default 10000. */
  presenceGraceMs?: number;
  /** Per-connection token bucket; `false` turns it off. Default 20/s, burst 40. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Events per second of one user over all their connections, answered `rate-limited` beyond it;
   * held in Redis with `redis`, so it is one budget across nodes. `false` turns it off.
   * Default 60/s.
   */
  userRateLimit?: UserRateLimitOptions | false;
  /**
   * Most simultaneous connections of one user (all nodes); one more is refused with
   * `connect_error` code `too-many-connections`. Default 10.
   */
  maxConnectionsPerUser?: number;
  /**
   * Connections per second from one client address that do not authenticate; beyond it the
   * handshake is refused at the transport (HTTP 403). `false` turns it off. Default 20/s.
   */
  handshakeRateLimit?: HandshakeRateLimitOptions | false;
  /** A connection that has not authenticated on `/call` within this is closed. Default 5000. */
  handshakeTimeoutMs?: number;
  /**
   * Bytes one connection may send per second; beyond it, its WebSocket is not read until it is
   * back under the rate (TCP backpressure holds the client back; nothing is lost). Default 262144
   * (256 KB: four frames of the largest size, far more than any client of protocol v1 sends).
   */
  maxInboundBytesPerSecond?: number;
  /**
   * REST rate limits (429 with `Retry-After`); `false` turns them off. Default 20/s per user,
   * 50/s per address for requests that do not authenticate.
   */
  restRateLimit?: RestRateLimitOptions | false;
  /**
   * How many reverse proxies in front of the server append to `X-Forwarded-For`: the client
   * address of the per-address limits is the one the outermost trusted proxy saw. Default 0 (the
   * TCP peer is the client; with a proxy in front and 0, every client shares the proxy's address).
   */
  trustProxy?: number;
  /**
   * Bearer secret for `GET /metrics` (at least 32 characters). Unset: the REST routes do not
   * serve `/metrics`; serve `synapse.metrics.registry` yourself, or use the standalone server's
   * `metricsPort`.
   */
  metricsToken?: string;
  /**
   * Origins allowed to connect (exact match, e.g. `https://crm.example.com`). Requests without an
   * Origin header (native apps, servers) are always allowed. Empty or unset allows every origin,
   * which is meant for development only.
   */
  allowedOrigins?: string[];
  /** Policy hook. Default: agents may call anyone in the tenant, customers only agents. */
  canCall?: CanCall;
  /**
   * Policy hook for presence (socket subscriptions, `sync`, `GET /api/presence`). Default:
   * agents watch everyone in the tenant, customers watch agents only.
   */
  canWatch?: CanWatch;
  /**
   * Policy hook for video: who may turn on their camera or share their screen in a call (and
   * which sources a LiveKit token grants). Default: both parties, both sources.
   */
  canPublish?: CanPublish;
  /** Called after every call transition; errors are logged, never propagated. */
  onCallEvent?: (event: CallEvent) => void | Promise<void>;
  /** POST every call event to the host app, HMAC-signed, with retries. */
  webhook?: WebhookOptions;
  /**
   * Web Push: incoming calls also ring the callee's browsers that registered for push (closed
   * tabs, other devices), see docs/notifications.md. On by default; `false` turns it off (the
   * `/api/push` routes then answer `not-found`).
   */
  push?: PushOptions | false;
  /** Pino logger. Default: a pino logger at `info` that redacts tokens. */
  logger?: Logger;
  /**
   * Call recording, in both media modes (docs/recording.md). Unset: calls cannot be recorded.
   * `{}` turns it on with the defaults: agents record, both parties are told, no consent step.
   */
  recording?: RecordingOptions;
  /** Most users one connection may subscribe to in total. Default 2000. */
  maxPresenceSubscriptions?: number;
  /**
   * Ended calls older than this many days are deleted from the call log (the SQLite one, or any
   * `CallLog` with `prune`). Default: unset, history is kept forever.
   */
  callLogRetentionDays?: number;
  /**
   * How often the server refreshes lastSeen of connected users, applies the call log retention
   * and checkpoints the SQLite write-ahead log. After a crash, lastSeen is off by at most this.
   * Default 60000.
   */
  maintenanceIntervalMs?: number;
}

/**
 * The default policy: agents call anyone in the tenant, customers call agents only.
 *
 * @example
 * // the default, plus: nobody calls a suspended account
 * const canCall: CanCall = async (from, to) =>
 *   (await defaultCanCall(from, to)) && !(await crm.isSuspended(to.tenant, to.id));
 *
 * const synapse = await createSynapseServer({ httpServer, auth, canCall });
 */
export const defaultCanCall: CanCall = (from, to) =>
  from.tenant === to.tenant && (from.role === 'agent' || to.role === 'agent');

/**
 * The default presence policy: agents watch everyone in the tenant, customers watch agents only
 * (a customer portal shows its agents; customers never learn about each other).
 *
 * @example
 * // the default, plus: agents see only the customers assigned to them
 * const canWatch: CanWatch = async (watcher, target) =>
 *   watcher.role === 'agent' && target.role === 'customer'
 *     ? crm.isAssigned(watcher.tenant, watcher.id, target.id)
 *     : defaultCanWatch(watcher, target);
 */
export const defaultCanWatch: CanWatch = (watcher, target) =>
  watcher.tenant === target.tenant && (watcher.role === 'agent' || target.role === 'agent');

/**
 * The default recording policy: an agent who is a party of the call.
 *
 * @example
 * // the default, plus: only on calls about a ticket
 * const canRecord: CanRecord = (actor, call) =>
 *   defaultCanRecord(actor, call) && typeof call.metadata?.ticketId === 'string';
 */
export const defaultCanRecord: CanRecord = (actor) => actor.role === 'agent';

export const DEFAULTS = {
  dataDir: './data',
  ringTimeoutMs: 30_000,
  reconnectGraceMs: 10_000,
  presenceGraceMs: 10_000,
  rateLimit: { perSecond: 20, burst: 40 },
  userRateLimit: { perSecond: 60 },
  maxConnectionsPerUser: 10,
  maxPresenceSubscriptions: 2000,
  maxPushSubscriptionsPerUser: 10,
  maintenanceIntervalMs: 60_000,
  handshakeRateLimit: { perSecond: 20 },
  handshakeTimeoutMs: 5000,
  maxInboundBytesPerSecond: 256 * 1024,
  restRateLimit: { perUserPerSecond: 20, perIpPerSecond: 50 },
  trustProxy: 0,
  livekitTokenTtlSeconds: 600,
  livekitEmptyTimeoutSeconds: 60,
  livekitWebhookMaxAgeSec: 300,
  recordingMaxBytes: 200 * 1024 * 1024,
  recordingUploadGraceMs: 15_000,
  lineCooldownMs: 10_000,
} as const;
