import type { Actor } from '../calls/actor';
import type { CallManager } from '../calls/call-manager';
import type { MediaPolicy } from '../calls/media-policy';
import type { TransferManager } from '../calls/transfer-manager';
import { fail } from '../errors';
import type { LineRouter } from '../lines/line-router';
import type { PresenceManager } from '../presence/presence-manager';
import type { Visibility } from '../presence/visibility';
import type { RecordingManager } from '../recording/recording-manager';
import { TokenBucket } from '../rate-limit';
import { userKey, userRoom } from '../stores/keys';
import { createDispatcher, type Handlers } from './dispatcher';
import { authenticateHandshake, type HandshakeDeps } from './handshake';
import { PresenceWatch } from './presence-watch';
import type { CallNamespace, CallSocket } from './types';

export interface CallNamespaceDeps extends HandshakeDeps {
  calls: CallManager;
  presence: PresenceManager;
  visibility: Visibility;
  maxPresenceSubscriptions: number;
  /** Set when recording is on (the `recording` setting). */
  recordings?: Pick<RecordingManager, 'start' | 'stop' | 'consent'> | undefined;
  mediaPolicy: Pick<MediaPolicy, 'changed'>;
  /** Set when the server has support lines (`initiate-call { toLine }`). */
  lines?: Pick<LineRouter, 'initiate'> | undefined;
  /** Set when the call registry can book a transfer's target (`rebook`). */
  transfers?: Pick<TransferManager, 'transfer' | 'cancel' | 'complete'> | undefined;
}

/** setTimeout cannot wait longer than this (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Sets up the `/call` namespace: handshake auth, connection lifecycle and event handlers. */
export function setupCallNamespace(nsp: CallNamespace, deps: CallNamespaceDeps): void {
  const { calls, presence, logger, metrics, guards } = deps;
  const { limits } = guards;
  const watch = new PresenceWatch({ nsp, presence, visibility: deps.visibility, logger });

  nsp.use(authenticateHandshake(deps));

  const recordings = () => {
    if (!deps.recordings) throw fail.recordingNotAllowed('recording is not enabled on this server');
    return deps.recordings;
  };

  const transfers = () => {
    if (!deps.transfers) throw fail.invalidState('this server does not transfer calls');
    return deps.transfers;
  };

  const handlers: Handlers = {
    'initiate-call': (socket, payload) => {
      if (!('toLine' in payload)) return calls.initiate(actor(socket), payload);
      if (!deps.lines) throw fail.notFound('line');
      return deps.lines.initiate(actor(socket), payload);
    },
    'accept-call': (socket, payload) => calls.accept(actor(socket), payload),
    'reject-call': (socket, payload) => calls.reject(actor(socket), payload),
    'end-call': (socket, payload) => calls.end(actor(socket), payload),
    'media-signal': async (socket, payload) => {
      await calls.relaySignal(actor(socket), payload);
      return {};
    },
    'media-changed': async (socket, payload) => {
      await deps.mediaPolicy.changed(actor(socket), payload);
      return {};
    },
    'transfer-call': (socket, payload) => transfers().transfer(actor(socket), payload),
    'cancel-transfer': (socket, { callId }) => transfers().cancel(actor(socket), callId),
    'complete-transfer': (socket, { callId }) => transfers().complete(actor(socket), callId),
    'start-recording': (socket, payload) => recordings().start(actor(socket), payload),
    'stop-recording': (socket, payload) => recordings().stop(actor(socket), payload),
    'recording-consent': (socket, payload) => recordings().consent(actor(socket), payload),
    'set-status': async (socket, { status }) => ({
      presence: await presence.setStatus(socket.data.identity, status),
    }),
    'subscribe-presence': async (socket, { userIds }) => {
      const subs = socket.data.subscriptions;
      const held = new Set(subs);
      const ids = [...new Set(userIds)];
      const fresh = ids.filter((id) => !held.has(id));
      if (subs.length + fresh.length > deps.maxPresenceSubscriptions) {
        throw fail.invalidPayload(
          `at most ${deps.maxPresenceSubscriptions} presence subscriptions per connection`,
        );
      }
      // `concat` allocates exactly what the list holds; pushing would leave room to grow.
      socket.data.subscriptions = subs.concat(fresh);
      return { presence: await watch.subscribe(socket, fresh, ids) };
    },
    'unsubscribe-presence': async (socket, { userIds }) => {
      const gone = new Set(userIds);
      socket.data.subscriptions = socket.data.subscriptions.filter((id) => !gone.has(id));
      await watch.unsubscribe(socket, userIds);
      return {};
    },
    heartbeat: async (socket, { idle }) => {
      await presence.heartbeat(socket.data.identity, socket.id, idle);
      return {};
    },
    sync: async (socket) => {
      // Once sync answers, the client counts as connected and may be called from any node.
      await socket.data.registered;
      const { identity } = socket.data;
      const ids = [identity.userId, ...socket.data.subscriptions].filter(
        (id, i, all) => all.indexOf(id) === i,
      );
      const syncedCalls = await calls.sync(actor(socket));
      return {
        calls: syncedCalls,
        presence: (await presence.snapshotFor(identity, ids)).presence,
      };
    },
  };

  const attach = createDispatcher(handlers, { userEvents: guards.userEvents, metrics, logger });

  nsp.on('connection', (socket: CallSocket) => {
    const { identity } = socket.data;
    metrics.connections.inc();
    void socket.join(userRoom(identity.tenant, identity.userId));
    const { rateLimit } = limits;
    attach(socket, {
      bucket: rateLimit ? new TokenBucket(rateLimit.perSecond, rateLimit.burst) : undefined,
      userKey: guards.userEvents ? userKey(identity.tenant, identity.userId) : undefined,
    });
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

    const registered = presence.connected(identity, socket.id);
    socket.data.registered = registered.then(
      () => undefined,
      () => undefined, // logged below; sync then answers what the stores know
    );
    const ready = registered
      .then(({ firstSeen }) =>
        // Not while closing: the cross-node request would go out on a closing Redis connection.
        firstSeen && !deps.isClosing() ? watch.appeared(identity) : undefined,
      )
      .catch((err: unknown) => {
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
}

function actor(socket: CallSocket): Actor {
  const { identity, replaces } = socket.data;
  return { identity, socketId: socket.id, ...(replaces ? { replaces } : {}) };
}
