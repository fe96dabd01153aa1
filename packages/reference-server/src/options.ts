import type { Server as HttpServer } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { CallInfo, IceServer, Party } from '@synapse-calling/protocol';
import type { AuthOptions } from './auth';
import type { RelayOnlyPolicy } from './media/relay-policy';
import type { TurnOptions } from './media/turn';
import type { RedisOptions } from './cluster/redis-cluster';
import type { CallLog, CallRegistry, PresenceStore } from './stores/types';

/** A party as the policy hook sees it: the wire `Party` plus the tenant from the token. */
export interface PolicyParty extends Party {
  tenant: string;
}

/** Decides whether `from` may call `to`. Both are always in the same tenant when it is asked. */
export type CanCall = (from: PolicyParty, to: PolicyParty) => boolean | Promise<boolean>;

export type CallEventType = 'call.ringing' | 'call.accepted' | 'call.ended';

/** One call transition, handed to `onCallEvent` and POSTed to the host webhook. */
export interface CallEvent {
  /** Unique per event; use it to de-duplicate webhook retries. */
  id: string;
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
}

export interface WebhookOptions {
  /** Where each call event is POSTed as JSON. */
  url: string;
  /** HMAC-SHA256 key for the `X-Synapse-Signature` header. */
  secret: string;
  /** Attempts per event, including the first. Default 5. */
  maxAttempts?: number;
  /** Delay before the first retry; doubles each time. Default 500 ms. */
  retryBaseMs?: number;
}

export interface RateLimitOptions {
  /** Sustained events per second per connection. Default 20. */
  perSecond?: number;
  /** Bucket size: events allowed in a burst. Default 40. */
  burst?: number;
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
   * Replace the embedded stores. Default: memory + SQLite, or the Redis ones with `redis` (where
   * replacing `callLog` with your own shared database is the usual choice).
   */
  stores?: { presence?: PresenceStore; registry?: CallRegistry; callLog?: CallLog };
  /** How long an unanswered call rings before it ends `missed`. Default 30000. */
  ringTimeoutMs?: number;
  /** How long a party whose connection dropped may take to come back and `sync`. Default 10000. */
  reconnectGraceMs?: number;
  /** How long after a user's last connection drops before they show `offline`. Default 10000. */
  presenceGraceMs?: number;
  /** Per-connection token bucket; `false` turns it off. Default 20/s, burst 40. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Origins allowed to connect (exact match, e.g. `https://crm.example.com`). Requests without an
   * Origin header (native apps, servers) are always allowed. Empty or unset allows every origin,
   * which is meant for development only.
   */
  allowedOrigins?: string[];
  /** Policy hook. Default: agents may call anyone in the tenant, customers only agents. */
  canCall?: CanCall;
  /** Called after every call transition; errors are logged, never propagated. */
  onCallEvent?: (event: CallEvent) => void | Promise<void>;
  /** POST every call event to the host app, HMAC-signed, with retries. */
  webhook?: WebhookOptions;
  /** Pino logger. Default: a pino logger at `info` that redacts tokens. */
  logger?: Logger;
  /** Most users one connection may subscribe to in total. Default 2000. */
  maxPresenceSubscriptions?: number;
}

/** The default policy: agents call anyone in the tenant, customers call agents only. */
export const defaultCanCall: CanCall = (from, to) =>
  from.tenant === to.tenant && (from.role === 'agent' || to.role === 'agent');

export const DEFAULTS = {
  dataDir: './data',
  ringTimeoutMs: 30_000,
  reconnectGraceMs: 10_000,
  presenceGraceMs: 10_000,
  rateLimit: { perSecond: 20, burst: 40 },
  maxPresenceSubscriptions: 2000,
  livekitTokenTtlSeconds: 600,
  livekitEmptyTimeoutSeconds: 60,
} as const;
