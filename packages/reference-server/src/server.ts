import { Server } from 'socket.io';
import type { Router } from 'express';
import type { Logger } from 'pino';
import { CALL_NAMESPACE, LIMITS } from '@synapse-calling/protocol';
import { createTokenVerifier, MIN_SECRET_LENGTH, type Identity } from './auth';
import { CallRecorder } from './calls/call-events';
import { CallManager } from './calls/call-manager';
import { createResync } from './cluster/resync';
import { endOverdueCalls } from './cluster/overdue';
import { drainConnections, type DrainOptions, type DrainResult } from './cluster/drain';
import { connectRedisCluster, type RedisCluster } from './cluster/redis-cluster';
import { RoomEvents } from './calls/room-events';
import { Timers } from './calls/timers';
import { ConfigError } from './env-config';
import { createRoutes } from './http/routes';
import { OriginRefusals } from './http/origin-refusals';
import { createGuards } from './limits/guards';
import { limitInboundBytes } from './limits/inbound-bytes';
import { resolveLimits, type Limits } from './limits/settings';
import { setupLines, withLines, type Lines } from './lines/setup';
import { setupTransfers, withTransfers } from './calls/transfer-setup';
import { createLogger } from './logger';
import { Maintenance } from './maintenance';
import { LiveKitMediaProvider } from './media/livekit';
import { MediaPolicy, defaultCanPublish } from './calls/media-policy';
import { P2PMediaProvider, type MediaProvider } from './media/media-provider';
import { toRelayOnlyRule } from './media/relay-policy';
import { hasTurn } from './media/turn';
import { Metrics } from './metrics';
import { loadLiveKitSdk } from './optional-deps';
import {
  defaultCanCall,
  defaultCanWatch,
  DEFAULTS,
  type CallEvent,
  type SynapseServerOptions,
} from './options';
import { PresenceManager } from './presence/presence-manager';
import { startPushService, type PushService } from './push/push-service';
import { setupRecording, type Recordings } from './recording/setup';
import { Visibility } from './presence/visibility';
import { setupCallNamespace } from './socket/call-namespace';
import { allowHandshake, refuseMainNamespace, type HandshakeDeps } from './socket/handshake';
import { boundedParser } from './socket/parser';
import { namespaceEmitter } from './socket/emitter';
import type { CallNamespace, CallServer } from './socket/types';
import { openStores } from './stores/open-stores';
import { openPostgres } from './stores/postgres/open-postgres';
import type { CallLog, CallRegistry, PresenceStore, PushSubscriptionStore } from './stores/types';
import { WebhookSender } from './webhooks/webhook-sender';

/** One of a node's ioredis connections (an ioredis `Redis` at run time). */
export interface RedisConnection {
  /** Drops the connection at once (ioredis reconnects unless told otherwise). */
  disconnect(reconnect?: boolean): void;
  /** Closes the connection after pending replies. */
  quit(): Promise<unknown>;
}

/**
 * What `createSynapseServer` returns: the running server's parts, and `close()`.
 *
 * @example
 * const synapse = await createSynapseServer({ httpServer, auth: { jwtSecret } });
 *
 * // no `app` was given: mount the REST routes where you like
 * app.use('/calling', synapse.router);
 *
 * // connections of this node to the /call namespace
 * console.log(synapse.namespace.sockets.size);
 *
 * // the call history, from whichever call log is in use (SQLite, Redis or yours)
 * const page = await synapse.stores.callLog.listForUser('acme', 'alice', { limit: 20 });
 */
export interface SynapseServer {
  /** The Socket.IO server (namespace `/call` is ours; add others if you like). */
  io: Server;
  /** The `/call` namespace. */
  namespace: CallNamespace;
  /** The REST routes; already mounted on `options.app` when one was given. */
  router: Router;
  logger: Logger;
  /** The server's call state machine (for tests and advanced embedding). */
  calls: CallManager;
  /** The server's presence of every user (for tests and advanced embedding). */
  presence: PresenceManager;
  /** The stores actually in use: yours from `options.stores`, else the Redis or embedded ones. */
  stores: {
    presence: PresenceStore;
    registry: CallRegistry;
    callLog: CallLog;
    push: PushSubscriptionStore;
  };
  metrics: Metrics;
  /** Web Push (its VAPID public key, the notifier); unset with `push: false`. */
  push?: PushService;
  /** Set with the `recording` option: its state machine, and retention on demand. */
  recordings?: Pick<Recordings, 'manager' | 'prune'>;
  /** The limits in force: your options over `DEFAULTS` (docs/security.md lists what each stops). */
  limits: Limits;
  /**
   * Set with the `redis` option: this node's id and its ioredis connections (command, pub, sub).
   * Typed by the members callers use, so that the server's types need no ioredis without Redis.
   */
  cluster?: { nodeId: string; clients: RedisConnection[] };
  /**
   * Rolling restart: stops taking new connections (handshakes refused, `/healthz` 503), asks
   * every client of this node to reconnect — elsewhere, through the load balancer — and resolves
   * once they left and the calls they carried are carried by another node (or ended), or after
   * `timeoutMs`. Then call `close()`. Stop your listener first, so that the load balancer sends
   * new connections to the other nodes at once (the standalone server does both on SIGTERM).
   *
   * @example
   * process.on('SIGTERM', async () => {
   *   httpServer.close(); // no new connections; open WebSockets stay up
   *   await synapse.drain();
   *   await synapse.close();
   *   process.exit(0);
   * });
   */
  drain(options?: DrainOptions): Promise<DrainResult>;
  /**
   * Disconnects every client, stops timers and webhooks, closes the database. Unfinished calls
   * stay in the call log, so a new server on the same data dir resumes them. Does not close
   * the HTTP server (it is yours). Safe to call twice.
   *
   * @example
   * process.on('SIGTERM', async () => {
   *   await synapse.close();
   *   httpServer.close();
   * });
   */
  close(): Promise<void>;
}

/**
 * Mounts Synapse Calling onto an existing HTTP server (Socket.IO, namespace `/call`) and Express
 * app (REST routes), then reloads unfinished calls from the call log.
 *
 * @example
 * import { createServer } from 'node:http';
 * import express from 'express';
 * import { createSynapseServer } from '@synapse-calling/reference-server';
 *
 * const app = express();
 * const httpServer = createServer(app);
 * app.get('/synapse/token', myTokenEndpoint); // your routes before ours
 *
 * const synapse = await createSynapseServer({
 *   httpServer,
 *   app,
 *   auth: { jwtSecret: process.env.SYNAPSE_JWT_SECRET },
 *   allowedOrigins: ['https://crm.example.com'],
 *   onCallEvent: (event) => crm.saveCall(event),
 * });
 * httpServer.listen(3000);
 *
 * @example
 * // several nodes as one: every node points at the same Redis
 * const synapse = await createSynapseServer({
 *   httpServer,
 *   app,
 *   auth: { jwksUrl: 'https://id.example.com/.well-known/jwks.json' },
 *   redis: { url: 'redis://redis.internal:6379' },
 * });
 *
 * @param options - see `SynapseServerOptions`; only `httpServer` and `auth` are required
 * @return the server's parts and `close()`, once unfinished calls are reloaded
 */
export async function createSynapseServer(options: SynapseServerOptions): Promise<SynapseServer> {
  const logger = options.logger ?? createLogger();
  // Optional peers first, so that a missing one fails the start before anything is opened.
  const liveKitSdk = options.livekit ? await loadLiveKitSdk() : undefined;
  const verify = createTokenVerifier(options.auth);
  if (options.webhook && options.webhook.secret.length < MIN_SECRET_LENGTH) {
    // Receivers trust whatever carries a valid signature; a short key can be guessed offline.
    throw new Error(`webhook.secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const allowedOrigins = (options.allowedOrigins ?? []).map((o) => o.replace(/\/$/, ''));
  if (allowedOrigins.length === 0) {
    logger.warn('allowedOrigins is empty: any web origin may connect (development only)');
  }
  const originRefusals = new OriginRefusals(logger);

  const cluster: RedisCluster | undefined = options.redis
    ? await connectRedisCluster(options.redis, logger)
    : undefined;
  const dataDir = options.dataDir ?? DEFAULTS.dataDir;
  const postgres = options.database ? await openPostgres(options.database, logger) : undefined;
  const {
    stores,
    presenceState,
    claims,
    sqlite,
    maintain: maintainDatabase,
    close: closeStores,
  } = openStores(options.stores ?? {}, cluster, dataDir, postgres);
  const metrics = new Metrics(stores.registry);

  const media: MediaProvider =
    options.livekit && liveKitSdk
      ? new LiveKitMediaProvider(options.livekit, logger, liveKitSdk, (record, side) =>
          // Only asked once calls run, after mediaPolicy below exists.
          mediaPolicy.allowedSources(record, side),
        )
      : p2pMedia(options);

  const webhook = options.webhook ? new WebhookSender(options.webhook, metrics, logger) : undefined;
  const ringTimeoutMs = options.ringTimeoutMs ?? DEFAULTS.ringTimeoutMs;
  const push =
    options.push === false
      ? undefined
      : await startPushService(options.push ?? {}, {
          store: stores.push,
          dataDir: options.dataDir ?? DEFAULTS.dataDir,
          redis: cluster && { client: cluster.redis, keyPrefix: cluster.keyPrefix },
          ringTimeoutMs,
          metrics,
          logger,
        });
  const onEvent =
    options.onCallEvent || webhook || push
      ? async (event: CallEvent) => {
          webhook?.send(event);
          // Other devices ring at the same moment as the sockets, whatever the host hook does.
          const pushed = push?.notifier.handle(event);
          await options.onCallEvent?.(event);
          await pushed;
        }
      : undefined;

  const limits = resolveLimits(options);
  const guards = createGuards(limits, cluster, logger);
  let closing = false;
  let draining = false;
  const handshake: HandshakeDeps = {
    verify,
    guards,
    metrics,
    logger,
    allowedOrigins,
    originRefusals,
    isClosing: () => closing,
    isDraining: () => draining,
  };
  const io: CallServer = new Server(options.httpServer, {
    maxHttpBufferSize: LIMITS.maxFrameBytes,
    parser: boundedParser,
    // Until a connection has authenticated on /call, it is closed after this.
    connectTimeout: limits.handshakeTimeoutMs,
    allowRequest: allowHandshake(handshake),
    // Long-polling needs CORS headers; the allowlist check itself is done by allowRequest.
    cors: { origin: true, credentials: false },
    // Rooms (user, presence, socket id) then reach connections on every node.
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });

  if (push && options.stores?.callLog && !options.stores.push && !cluster) {
    logger.warn(
      { dataDir: options.dataDir ?? DEFAULTS.dataDir },
      'push subscriptions are kept in the embedded SQLite database; pass stores.push to keep them beside your call log',
    );
  }
  const pushReachable =
    push && ((tenant: string, userId: string) => push.store.hasAny(tenant, userId));

  limitInboundBytes(io.engine, limits.maxInboundBytesPerSecond, metrics);
  refuseMainNamespace(io.sockets);
  const namespace: CallNamespace = io.of(CALL_NAMESPACE);
  // Sockets of other nodes are known only to Redis.
  const emitter = namespaceEmitter(namespace, cluster?.presence, () => closing);
  const mediaPolicy = new MediaPolicy({
    registry: stores.registry,
    emitter,
    canPublish: options.canPublish ?? defaultCanPublish,
    logger,
  });
  const visibility = new Visibility({
    store: stores.presence,
    canWatch: options.canWatch ?? defaultCanWatch,
    logger,
  });
  const presence = new PresenceManager({
    store: stores.presence,
    visibility,
    state: presenceState,
    registry: stores.registry,
    emitter,
    graceMs: options.presenceGraceMs ?? DEFAULTS.presenceGraceMs,
    logger,
    pushReachable,
  });
  const maintenanceIntervalMs = options.maintenanceIntervalMs ?? DEFAULTS.maintenanceIntervalMs;
  const recordings: Recordings | undefined = options.recording
    ? await setupRecording({
        options: options.recording,
        dataDir,
        livekit:
          options.livekit && liveKitSdk ? { options: options.livekit, sdk: liveKitSdk } : undefined,
        registry: stores.registry,
        callLog: stores.callLog,
        emitter,
        onEvent,
        logger,
        postgres: postgres?.recordings,
        redis: cluster
          ? { client: cluster.clients[0], prefix: options.redis?.keyPrefix ?? 'synapse:' }
          : undefined,
        sqlite,
        maintenanceIntervalMs,
      })
    : undefined;
  const reconnectGraceMs = options.reconnectGraceMs ?? DEFAULTS.reconnectGraceMs;
  const timers = new Timers();
  const recorder = new CallRecorder(stores.callLog, onEvent, logger);
  const lines: Lines | undefined = await setupLines({
    config: options.lines,
    redis: cluster && { client: cluster.redis, prefix: cluster.keyPrefix },
    registry: stores.registry,
    callLog: stores.callLog,
    presence,
    visibility,
    media,
    emitter,
    recorder,
    claims,
    timers,
    cooldownMs: options.lineCooldownMs ?? DEFAULTS.lineCooldownMs,
    // Bound late: the call manager needs the lines' hooks, the lines its way of ending calls.
    endIfStill: (callId, state, reason) => calls.endIfStill(callId, state, reason),
    logger,
  });
  const transfers = setupTransfers({
    registry: stores.registry,
    visibility,
    presence,
    media,
    emitter,
    recorder,
    timers,
    ringTimeoutMs,
    lines,
    logger,
  });
  const calls: CallManager = new CallManager({
    registry: stores.registry,
    callLog: stores.callLog,
    presenceStore: stores.presence,
    presence,
    media,
    emitter,
    recorder,
    canCall: options.canCall ?? defaultCanCall,
    visibility,
    metrics,
    logger,
    ringTimeoutMs,
    reconnectGraceMs,
    pushReachable,
    claims,
    timers,
    lifecycle: withTransfers(withLines(recordings?.manager, lines), transfers),
    lines: lines?.router,
    transfers,
  });
  setupCallNamespace(namespace, {
    ...handshake,
    calls,
    presence,
    visibility,
    maxPresenceSubscriptions: limits.maxPresenceSubscriptions,
    recordings: recordings?.manager,
    mediaPolicy,
    lines: lines?.router,
    transfers,
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
    originRefusals,
    livekit: options.livekit,
    push: { calls, push },
    claims,
    recordings,
    lines,
    guards,
    metricsToken: options.metricsToken,
    isDraining: () => draining || closing,
  });
  options.app?.use(router);

  await calls.recover();
  await recordings?.start();
  const maintenance = new Maintenance({
    intervalMs: maintenanceIntervalMs,
    retentionDays: options.callLogRetentionDays,
    presence,
    callLog: stores.callLog,
    maintainDatabase,
    logger,
  });
  maintenance.start();
  const resync = createResync(namespace, stores.registry);
  const endIfStill = calls.endIfStill.bind(calls);
  const overdueSlackMs = Math.floor((cluster?.nodeTtlMs ?? 0) / 3);
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
      await resync(tenant, userId);
    },
    onDeclaredDead: () => namespace.local.disconnectSockets(true),
    // A call's timers live on one node; if that node died, any node ends the call when due.
    onTick: async () => {
      await endOverdueCalls(
        { registry: stores.registry, endIfStill, ringTimeoutMs, ringSlackMs: cluster.nodeTtlMs },
        overdueSlackMs,
      );
      await transfers?.stopOverdue(overdueSlackMs);
      await presence.expireDueGraces();
    },
  });

  const drain = async (drainOptions: DrainOptions = {}): Promise<DrainResult> => {
    draining = true;
    return drainConnections({
      namespace,
      registry: stores.registry,
      logger,
      timeoutMs: drainOptions.timeoutMs ?? reconnectGraceMs + 5_000,
    });
  };

  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      closing = true;
      try {
        calls.close(); // also the LiveKit room timers (shared)
        await maintenance.stop();
        await recordings?.close();
        await presence.close();
        // `local`: with the Redis adapter a plain disconnectSockets reaches every node's clients.
        namespace.local.disconnectSockets(true);
        // Not io.close(): that would also close the host's HTTP server.
        io.engine.close();
        await webhook?.close();
        push?.close();
        await closeStores();
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
    namespace,
    router,
    logger,
    calls,
    presence,
    stores,
    metrics,
    ...(push ? { push } : {}),
    limits,
    ...(recordings ? { recordings } : {}),
    ...(cluster ? { cluster: { nodeId: cluster.nodeId, clients: cluster.clients } } : {}),
    drain,
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
