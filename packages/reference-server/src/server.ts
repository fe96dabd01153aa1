import { Server } from 'socket.io';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { LIMITS, type Presence } from '@synapse-calling/protocol';
import { createTokenVerifier, type Identity } from './auth';
import { CallRecorder } from './calls/call-events';
import { CallManager } from './calls/call-manager';
import { connectRedisCluster, type RedisCluster } from './cluster/redis-cluster';
import { RoomEvents } from './calls/room-events';
import { ConfigError } from './env-config';
import { createRoutes } from './http/routes';
import { originAllowed } from './http/rest';
import { createLogger } from './logger';
import { LiveKitMediaProvider } from './media/livekit';
import { P2PMediaProvider, type MediaProvider } from './media/media-provider';
import { toRelayOnlyRule } from './media/relay-policy';
import { hasTurn } from './media/turn';
import { Metrics } from './metrics';
import { defaultCanCall, DEFAULTS, type CallEvent, type SynapseServerOptions } from './options';
import { PresenceManager } from './presence/presence-manager';
import { setupCallNamespace, namespaceEmitter } from './socket/call-namespace';
import type { CallNamespace } from './socket/types';
import { presenceRoom } from './stores/keys';
import { MemoryCallRegistry } from './stores/memory-call-registry';
import { MemoryPresenceStore } from './stores/memory-presence-store';
import { openDatabase, type SqliteDatabase } from './stores/sqlite';
import { SqliteCallLog } from './stores/sqlite-call-log';
import type { CallLog, CallRegistry, PresenceStore } from './stores/types';
import { WebhookSender } from './webhooks/webhook-sender';

/** What `createSynapseServer` returns. */
export interface SynapseServer {
  /** The Socket.IO server (namespace `/call` is ours; add others if you like). */
  io: Server;
  /** The `/call` namespace. */
  namespace: CallNamespace;
  /** The REST routes; already mounted on `options.app` when one was given. */
  router: Router;
  logger: Logger;
  calls: CallManager;
  presence: PresenceManager;
  stores: { presence: PresenceStore; registry: CallRegistry; callLog: CallLog };
  metrics: Metrics;
  /** Set with the `redis` option: this node's id and its Redis connections (command, pub, sub). */
  cluster?: { nodeId: string; clients: Redis[] };
  /**
   * Disconnects every client, stops timers and webhooks, closes the database. Unfinished calls
   * stay in the call log, so a new server on the same data dir resumes them. Does not close
   * the HTTP server (it is yours). Safe to call twice.
   */
  close(): Promise<void>;
}

/**
 * Mounts Synapse Calling onto an existing HTTP server (Socket.IO, namespace `/call`) and Express
 * app (REST routes), then reloads unfinished calls from the call log.
 */
export async function createSynapseServer(options: SynapseServerOptions): Promise<SynapseServer> {
  const logger = options.logger ?? createLogger();
  const verify = createTokenVerifier(options.auth);
  const allowedOrigins = (options.allowedOrigins ?? []).map((o) => o.replace(/\/$/, ''));
  if (allowedOrigins.length === 0) {
    logger.warn('allowedOrigins is empty: any web origin may connect (development only)');
  }

  const cluster: RedisCluster | undefined = options.redis
    ? await connectRedisCluster(options.redis, logger)
    : undefined;
  const needsDb = !cluster && (!options.stores?.presence || !options.stores?.callLog);
  const db: SqliteDatabase | undefined = needsDb
    ? openDatabase(options.dataDir ?? DEFAULTS.dataDir)
    : undefined;
  const stores = {
    presence:
      options.stores?.presence ??
      cluster?.presence ??
      new MemoryPresenceStore(db as SqliteDatabase),
    registry: options.stores?.registry ?? cluster?.registry ?? new MemoryCallRegistry(),
    callLog: options.stores?.callLog ?? cluster?.callLog ?? new SqliteCallLog(db as SqliteDatabase),
  };
  const metrics = new Metrics(stores.registry);

  const media: MediaProvider = options.livekit
    ? new LiveKitMediaProvider(options.livekit, logger)
    : p2pMedia(options);

  const webhook = options.webhook ? new WebhookSender(options.webhook, logger) : undefined;
  const onEvent =
    options.onCallEvent || webhook
      ? async (event: CallEvent) => {
          webhook?.send(event);
          await options.onCallEvent?.(event);
        }
      : undefined;

  const io = new Server(options.httpServer, {
    maxHttpBufferSize: LIMITS.maxFrameBytes,
    allowRequest: (req, callback) => {
      const ok = originAllowed(req.headers.origin, allowedOrigins);
      callback(ok ? null : 'origin not allowed', ok);
    },
    // Long-polling needs CORS headers; the allowlist check itself is done by allowRequest.
    cors: { origin: true, credentials: false },
    // Rooms (user, presence, socket id) then reach connections on every node.
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });

  let closing = false;
  // The managers and the namespace need each other; the namespace is filled in below.
  const ref: { nsp?: CallNamespace } = {};
  const ns = () => ref.nsp as CallNamespace;
  const presence = new PresenceManager({
    store: stores.presence,
    isInCall: (tenant, userId) => calls.isInCall(tenant, userId),
    publish: (tenant: string, p: Presence) =>
      ns().to(presenceRoom(tenant, p.userId)).emit('presence-changed', { presence: p }),
    graceMs: options.presenceGraceMs ?? DEFAULTS.presenceGraceMs,
    logger,
    shared: cluster && stores.presence === cluster.presence ? cluster.presence : undefined,
  });
  const reconnectGraceMs = options.reconnectGraceMs ?? DEFAULTS.reconnectGraceMs;
  const calls: CallManager = new CallManager({
    registry: stores.registry,
    callLog: stores.callLog,
    presenceStore: stores.presence,
    refreshPresence: (tenant, userId) => presence.refresh(tenant, userId),
    media,
    emitter: {
      toUser: (...args) => namespaceEmitter(ns()).toUser(...args),
      toSocket: (...args) => namespaceEmitter(ns()).toSocket(...args),
      isConnected: (socketId) =>
        ns().sockets.has(socketId) || (cluster?.presence.socketAlive(socketId) ?? false),
    },
    recorder: new CallRecorder(stores.callLog, onEvent, logger),
    canCall: options.canCall ?? defaultCanCall,
    metrics,
    logger,
    ringTimeoutMs: options.ringTimeoutMs ?? DEFAULTS.ringTimeoutMs,
    reconnectGraceMs,
  });
  ref.nsp = setupCallNamespace(io, {
    verify,
    calls,
    presence,
    metrics,
    logger,
    rateLimit:
      options.rateLimit === false ? false : { ...DEFAULTS.rateLimit, ...(options.rateLimit ?? {}) },
    maxPresenceSubscriptions: options.maxPresenceSubscriptions ?? DEFAULTS.maxPresenceSubscriptions,
    isClosing: () => closing,
  });

  const rooms = new RoomEvents(stores.registry, media, calls, reconnectGraceMs);
  const router = createRoutes({
    verify,
    rooms,
    callLog: stores.callLog,
    presence,
    metrics,
    logger,
    allowedOrigins,
    livekit: options.livekit,
  });
  options.app?.use(router);

  await calls.recover();
  await cluster?.start({
    // A dead node's connection closes here as if it had closed on this node. Only tenant and
    // user id of the identity are read on this path; the rest is not known any more.
    onConnectionLost: async ({ tenant, userId, socketId }) => {
      const identity: Identity = {
        tenant,
        userId,
        name: userId,
        role: 'customer',
        expiresAt: 0,
        validUntil: 0,
      };
      await calls.connectionClosed({ identity, socketId });
      await presence.disconnected(identity, socketId);
    },
    onDeclaredDead: () => ns().local.disconnectSockets(true),
    // A ring timer lives on the node that placed the call; if that node died, any node ends it.
    onTick: async () => {
      await calls.endOverdueRinging(cluster.nodeTtlMs);
      await presence.expireDueGraces();
    },
  });

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      try {
        calls.close(); // also the LiveKit room timers (shared)
        await presence.close();
        // `local`: with the Redis adapter a plain disconnectSockets reaches every node's clients.
        ns().local.disconnectSockets(true);
        // Not io.close(): that would also close the host's HTTP server.
        io.engine.close();
        await webhook?.close();
        db?.close();
      } finally {
        // Last (presence.close() writes lastSeen through it), and even if a step above failed
        // (Redis gone), so that the heartbeat timer stops.
        await cluster?.close();
      }
    })());

  logger.info(
    { media: media.kind, origins: allowedOrigins.length || 'any', node: cluster?.nodeId },
    'synapse calling server ready',
  );
  return {
    io,
    namespace: ns(),
    router,
    logger,
    calls,
    presence,
    stores,
    metrics,
    ...(cluster ? { cluster: { nodeId: cluster.nodeId, clients: cluster.clients } } : {}),
    close,
  };
}

/** The P2P media provider; refuses a privacy setting that no call could ever satisfy. */
function p2pMedia(options: SynapseServerOptions): P2PMediaProvider {
  const iceServers = options.iceServers ?? [];
  const relayOnly = options.relayOnly ?? 'off';
  if (relayOnly !== 'off' && !options.turn && !hasTurn(iceServers)) {
    throw new ConfigError(
      'relayOnly needs a TURN server: set `turn` or a turn: URL in `iceServers`',
    );
  }
  return new P2PMediaProvider({
    iceServers,
    turn: options.turn,
    relayOnly: toRelayOnlyRule(relayOnly),
  });
}
