import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { LIMITS, type HandshakeErrorData } from '@synapse-calling/protocol';
import { AuthError, type Identity, type TokenVerifier } from '../auth';
import { originAllowed } from '../http/rest';
import { clientAddress } from '../limits/client-address';
import type { Guards } from '../limits/guards';
import type { OriginRefusals } from '../http/origin-refusals';
import type { Metrics } from '../metrics';
import { userKey } from '../stores/keys';
import type { CallNamespace, CallSocket } from './types';

export interface HandshakeDeps {
  verify: TokenVerifier;
  guards: Guards;
  metrics: Metrics;
  logger: Logger;
  allowedOrigins: readonly string[];
  /** Logs refused origins (rate-limited), so a page missing from the allowlist shows up. */
  originRefusals: OriginRefusals;
  /** True once shutdown began. */
  isClosing: () => boolean;
  /** True while the node drains: new connections are refused at the transport. */
  isDraining?: () => boolean;
}

/**
 * Engine.IO's `allowRequest`, asked once per new connection before anything is allocated for
 * it: the Origin allowlist, then the client address's budget of unauthenticated handshakes (the
 * connection is counted now, and given back when its token is accepted). A refusal fails the
 * transport itself (HTTP 403); the client's manager retries with its backoff.
 */
export function allowHandshake(deps: HandshakeDeps) {
  const { guards, metrics, allowedOrigins, originRefusals } = deps;
  return (req: IncomingMessage, callback: (err: string | null, ok: boolean) => void): void => {
    // The client's manager retries with its backoff; the load balancer picks another node.
    if (deps.isDraining?.()) return callback('server draining', false);
    const { origin } = req.headers;
    if (!originAllowed(origin, allowedOrigins)) {
      if (origin) originRefusals.refused(origin, 'socket');
      return callback('origin not allowed', false);
    }
    if (!guards.handshakes) return callback(null, true);
    void guards.handshakes.take(clientAddress(req, guards.limits.trustProxy)).then((verdict) => {
      if (verdict.ok) return callback(null, true);
      metrics.limitRefusals.inc({ limit: 'handshakes-per-address' });
      callback('too many connections from this address', false);
    });
  };
}

/**
 * The `/call` namespace's middleware: the token gives the identity, then the user must have a
 * free connection slot. The slot is freed when the connection closes, including a client that
 * left before its connection was established.
 */
export function authenticateHandshake(deps: HandshakeDeps) {
  const { guards, logger, metrics } = deps;
  const slots = guards.connectionSlots;
  // The address budget counts connections until they authenticate; each gives its handshake
  // back once (a connection may try /call more than once, but was counted once).
  const refunded = new WeakSet<object>();

  /** Takes a connection slot for the verified user; a refusal when they have none left. */
  async function admit(
    socket: CallSocket,
    identity: Identity,
    replaces: unknown,
  ): Promise<HandshakeErrorData | null> {
    const key = userKey(identity.tenant, identity.userId);
    // A store failure must not lock everybody out: the connection goes without a slot.
    const taken = await slots.acquire(key, socket.id).catch((err: unknown) => {
      logger.error({ err }, 'connection slot store failed');
      return true;
    });
    if (!taken) {
      metrics.limitRefusals.inc({ limit: 'connections-per-user' });
      logger.info({ user: identity.userId, tenant: identity.tenant }, 'too many connections');
      const max = guards.limits.maxConnectionsPerUser;
      return { code: 'too-many-connections', message: `at most ${max} connections per user` };
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      slots.release(key, socket.id).catch((err: unknown) => {
        logger.error({ err }, 'releasing a connection slot failed');
      });
    };
    // `on`, not `once`: release() runs once anyway, and `once` adds a wrapper per listener.
    socket.conn.on('close', release);
    socket.on('disconnect', release);
    if (guards.handshakes && !refunded.has(socket.conn)) {
      refunded.add(socket.conn);
      guards.handshakes.refund(clientAddress(socket.request, guards.limits.trustProxy));
    }
    // The token has served its purpose: a copy held by every idle connection costs memory
    // (about 200 bytes each) and would still be usable by whoever reads a heap dump.
    const { token: _verified, ...rest } = socket.handshake.auth as Record<string, unknown>;
    socket.handshake.auth = rest;
    socket.data.identity = identity;
    socket.data.subscriptions = [];
    if (typeof replaces === 'string' && replaces.length <= LIMITS.maxIdLength) {
      socket.data.replaces = replaces;
    }
    return null;
  }

  return (socket: CallSocket, next: (err?: Error) => void): void => {
    // After close() the HTTP server (the host's) may still route handshakes to us.
    if (deps.isClosing()) return next(new Error('server shutting down'));
    const auth: unknown = socket.handshake.auth;
    const { token, replaces } =
      typeof auth === 'object' && auth ? (auth as { token?: unknown; replaces?: unknown }) : {};
    deps
      .verify(token)
      .then(
        (identity) => admit(socket, identity, replaces),
        (err: unknown) => {
          const refusal = err instanceof AuthError ? err : new AuthError('unauthorized', 'refused');
          logger.info(
            { code: refusal.data.code, ip: socket.handshake.address },
            'handshake refused',
          );
          return refusal.data;
        },
      )
      .then(
        // Socket.IO forwards `data` of the error to the client's connect_error.
        (refusal) =>
          next(refusal ? Object.assign(new Error(refusal.message), { data: refusal }) : undefined),
        (err: unknown) => {
          logger.error({ err }, 'handshake failed');
          next(new Error('internal error'));
        },
      );
  };
}

/**
 * The main namespace `/` has no token check, and a connection that joined a namespace is no
 * longer subject to the handshake timeout: refused, so nobody can hold a connection without a
 * token.
 */
export function refuseMainNamespace(nsp: CallNamespace): void {
  nsp.use((_socket, next) => next(new Error('connect to the /call namespace')));
}
