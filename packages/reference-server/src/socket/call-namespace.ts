import type { Server } from 'socket.io';
import type { Logger } from 'pino';
import { CALL_NAMESPACE, LIMITS } from '@synapse-calling/protocol';
import { AuthError, type TokenVerifier } from '../auth';
import type { CallEmitter } from '../calls/call-events';
import type { Actor } from '../calls/actor';
import type { CallManager } from '../calls/call-manager';
import { fail } from '../errors';
import type { Metrics } from '../metrics';
import type { PresenceManager } from '../presence/presence-manager';
import { presenceRoom, userRoom } from '../stores/keys';
import { attachHandlers, type Handlers } from './dispatcher';
import type { CallNamespace, CallSocket } from './types';

export interface CallNamespaceDeps {
  verify: TokenVerifier;
  calls: CallManager;
  presence: PresenceManager;
  metrics: Metrics;
  logger: Logger;
  rateLimit: { perSecond: number; burst: number } | false;
  maxPresenceSubscriptions: number;
  /** True once shutdown began: disconnects then are ours, not the users'. */
  isClosing: () => boolean;
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sets up the `/call` namespace: handshake auth, connection lifecycle and event handlers. */
export function setupCallNamespace(io: Server, deps: CallNamespaceDeps): CallNamespace {
  const nsp = io.of(CALL_NAMESPACE) as unknown as CallNamespace;
  const { calls, presence, logger, metrics } = deps;

  nsp.use((socket, next) => {
    // After close() the HTTP server (the host's) may still route handshakes to us.
    if (deps.isClosing()) return next(new Error('server shutting down'));
    const auth: unknown = socket.handshake.auth;
    const { token, replaces } =
      typeof auth === 'object' && auth ? (auth as { token?: unknown; replaces?: unknown }) : {};
    deps.verify(token).then(
      (identity) => {
        socket.data.identity = identity;
        socket.data.subscriptions = new Set();
        if (typeof replaces === 'string' && replaces.length <= LIMITS.maxIdLength) {
          socket.data.replaces = replaces;
        }
        next();
      },
      (err: unknown) => {
        const refusal = err instanceof AuthError ? err : new AuthError('unauthorized', 'refused');
        logger.info({ code: refusal.data.code, ip: socket.handshake.address }, 'handshake refused');
        // Socket.IO forwards `data` of the error to the client's connect_error.
        next(Object.assign(new Error(refusal.message), { data: refusal.data }));
      },
    );
  });

  const handlers: Handlers = {
    'initiate-call': (socket, payload) => calls.initiate(actor(socket), payload),
    'accept-call': (socket, payload) => calls.accept(actor(socket), payload),
    'reject-call': (socket, payload) => calls.reject(actor(socket), payload),
    'end-call': (socket, payload) => calls.end(actor(socket), payload),
    'media-signal': async (socket, payload) => {
      await calls.relaySignal(actor(socket), payload);
      return {};
    },
    'set-status': async (socket, { status }) => ({
      presence: await presence.setStatus(socket.data.identity, status),
    }),
    'subscribe-presence': async (socket, { userIds }) => {
      const { tenant } = socket.data.identity;
      const subs = socket.data.subscriptions;
      const fresh = new Set(userIds.filter((id) => !subs.has(id)));
      if (subs.size + fresh.size > deps.maxPresenceSubscriptions) {
        throw fail.invalidPayload(
          `at most ${deps.maxPresenceSubscriptions} presence subscriptions per connection`,
        );
      }
      // Join before reading the snapshot, so no change can fall between the two.
      for (const id of fresh) subs.add(id);
      await socket.join([...fresh].map((id) => presenceRoom(tenant, id)));
      return { presence: await presence.snapshot(tenant, [...new Set(userIds)]) };
    },
    'unsubscribe-presence': async (socket, { userIds }) => {
      const { tenant } = socket.data.identity;
      for (const id of userIds) {
        socket.data.subscriptions.delete(id);
        await socket.leave(presenceRoom(tenant, id));
      }
      return {};
    },
    heartbeat: async (socket, { idle }) => {
      await presence.heartbeat(socket.data.identity, socket.id, idle);
      return {};
    },
    sync: async (socket) => {
      const { tenant, userId } = socket.data.identity;
      const ids = [userId, ...socket.data.subscriptions].filter(
        (id, i, all) => all.indexOf(id) === i,
      );
      const syncedCalls = await calls.sync(actor(socket));
      return { calls: syncedCalls, presence: await presence.snapshot(tenant, ids) };
    },
  };

  nsp.on('connection', (socket: CallSocket) => {
    const { identity } = socket.data;
    metrics.connections.inc();
    void socket.join(userRoom(identity.tenant, identity.userId));
    attachHandlers(socket, handlers, { rateLimit: deps.rateLimit, metrics, logger });
    logger.debug(
      { user: identity.userId, tenant: identity.tenant, socket: socket.id },
      'connected',
    );

    // A connection lives no longer than its token: the client reconnects with a fresh one. The
    // deadline includes the clock tolerance the handshake allowed (`validUntil`), so the two agree.
    const expiry = setTimeout(
      () => socket.disconnect(true),
      Math.min(Math.max(identity.validUntil - Date.now(), 0), MAX_TIMER_MS),
    );
    expiry.unref();

    const ready = presence.connected(identity, socket.id).catch((err: unknown) => {
      logger.error({ err }, 'presence connect failed');
    });

    socket.on('disconnect', (reason) => {
      clearTimeout(expiry);
      metrics.connections.dec();
      logger.debug({ user: identity.userId, socket: socket.id, reason }, 'disconnected');
      if (deps.isClosing()) return;
      void ready
        .then(() => calls.connectionClosed(actor(socket)))
        .then(() => presence.disconnected(identity, socket.id))
        .catch((err: unknown) => logger.error({ err }, 'disconnect handling failed'));
    });
  });

  return nsp;
}

function actor(socket: CallSocket): Actor {
  const { identity, replaces } = socket.data;
  return { identity, socketId: socket.id, ...(replaces ? { replaces } : {}) };
}

/** The CallManager's view of the namespace. */
export function namespaceEmitter(nsp: CallNamespace): CallEmitter {
  type Loose = { emit(event: string, payload: unknown): void };
  return {
    toUser(tenant, userId, event, payload, exceptSocketId) {
      const target = nsp.to(userRoom(tenant, userId));
      const scoped = exceptSocketId ? target.except(exceptSocketId) : target;
      (scoped as unknown as Loose).emit(event, payload);
    },
    toSocket(socketId, event, payload) {
      (nsp.to(socketId) as unknown as Loose).emit(event, payload);
    },
    isConnected: (socketId) => nsp.sockets.has(socketId),
  };
}
