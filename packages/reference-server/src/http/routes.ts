import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  LIMITS,
  type CallListResponse,
  type PresenceListResponse,
  type ServerConfigResponse,
} from '@synapse-calling/protocol';
import type { TokenVerifier } from '../auth';
import type { RoomEvents } from '../calls/room-events';
import type { LiveKitOptions } from '../options';
import type { Lines } from '../lines/setup';
import type { Metrics } from '../metrics';
import type { PresenceManager } from '../presence/presence-manager';
import type { Recordings } from '../recording/setup';
import type { ClaimStore } from '../stores/claim-store';
import { InvalidCursorError, type CallLog } from '../stores/types';
import type { Guards } from '../limits/guards';
import type { OriginRefusals } from './origin-refusals';
import {
  authenticate,
  cors,
  errorHandler,
  identityOf,
  jsonBody,
  originAllowed,
  sendError,
} from './rest';
import { byAddress, byUser, limitRequests, metricsRoute } from './rest-limits';
import { liveKitWebhookRoute } from './livekit-webhook';
import { pushRoutes, type PushRoutesDeps } from './push-routes';

export interface RoutesDeps {
  verify: TokenVerifier;
  rooms: RoomEvents;
  callLog: CallLog;
  presence: PresenceManager;
  metrics: Metrics;
  logger: Logger;
  allowedOrigins: readonly string[];
  /** Logs refused origins (shared with the Socket.IO handshake's check). */
  originRefusals?: OriginRefusals | undefined;
  /** Set when LiveKit is configured: enables the webhook route. */
  livekit?: LiveKitOptions | undefined;
  /** The `/api/push` routes' needs (Web Push). */
  push: Omit<PushRoutesDeps, 'auth' | 'perAddress'>;
  claims: ClaimStore;
  /** Support lines: the admin API, line status and the agents' switch. */
  lines?: Pick<Lines, 'routes'> | undefined;
  /** Set when recording is on: its routes, and the `recording` of each listed call. */
  recordings?: Pick<Recordings, 'routes' | 'decorate'> | undefined;
  guards: Guards;
  /** Set: `/metrics` is served to requests bearing it. Unset: not served here. */
  metricsToken?: string | undefined;
  /** True while the node drains or closes: `/healthz` answers 503 so load balancers move on. */
  isDraining?: () => boolean;
}

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).exactOptional(),
});

const idList = z
  .string()
  .max(LIMITS.maxPresenceIds * (LIMITS.maxIdLength + 1))
  .transform((s) => [...new Set(s.split(',').filter(Boolean))])
  .pipe(z.array(z.string().min(1).max(LIMITS.maxIdLength)).min(1).max(LIMITS.maxPresenceIds));

/** `/healthz`, `/metrics` (with a metrics token) and `/api/*`. */
export function createRoutes(deps: RoutesDeps): Router {
  const router = express.Router();
  const { guards, metrics } = deps;
  // Per address before the token is looked at (a flood of forged tokens costs a verification
  // each; an accepted token gives its request back), then per user. A router as middleware: it
  // hands on to the route when it is through.
  const address = byAddress(guards.limits.trustProxy);
  const perAddress = limitRequests(guards.restPerAddress, address, 'rest-per-address', metrics);
  const auth = express.Router().use(
    perAddress,
    authenticate(deps.verify),
    (req, _res, next) => {
      guards.restPerAddress?.refund(address(req));
      next();
    },
    limitRequests(guards.restPerUser, byUser, 'rest-per-user', metrics),
  );

  router.get('/healthz', (_req, res) => {
    if (deps.isDraining?.()) return void res.status(503).json({ ok: false, draining: true });
    res.json({ ok: true });
  });

  if (deps.metricsToken) router.get('/metrics', metricsRoute(deps.metricsToken, metrics));

  // Before the allowlist, and readable from any origin: a refused page asks here why its
  // WebSocket handshake failed, since browsers hide that (sdk-core's `origin-not-allowed`).
  router.get('/api/config', perAddress, (req, res) => {
    const asked = typeof req.query.origin === 'string' ? req.query.origin : undefined;
    // A same-origin GET carries no Origin header; the client then names its origin itself.
    const origin = req.headers.origin ?? asked;
    const body: ServerConfigResponse = {
      originAllowed: originAllowed(origin, deps.allowedOrigins),
    };
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.json(body);
  });

  router.use(
    '/api',
    cors(deps.allowedOrigins, (origin) => deps.originRefusals?.refused(origin, 'rest')),
  );

  router.get('/api/calls', auth, async (req, res) => {
    const query = listQuery.safeParse(req.query);
    if (!query.success) return sendError(res, 'invalid-payload', 'limit must be 1–100');
    const { tenant, userId } = identityOf(res);
    try {
      const page = await deps.callLog.listForUser(tenant, userId, query.data);
      const calls = page.entries.map((e) => e.call);
      const body: CallListResponse = {
        calls: deps.recordings ? await deps.recordings.decorate(calls) : calls,
        nextCursor: page.nextCursor,
      };
      res.json(body);
    } catch (err) {
      if (err instanceof InvalidCursorError) return sendError(res, 'invalid-payload', err.message);
      throw err;
    }
  });

  router.get('/api/presence', auth, async (req, res) => {
    const ids = idList.safeParse(req.query.userIds);
    if (!ids.success) {
      return sendError(
        res,
        'invalid-payload',
        `userIds: 1–${LIMITS.maxPresenceIds} comma-separated ids`,
      );
    }
    const body: PresenceListResponse = {
      presence: (await deps.presence.snapshotFor(identityOf(res), ids.data)).presence,
    };
    res.json(body);
  });

  router.post('/api/livekit/token', auth, jsonBody(), async (req, res) => {
    const callId = (req.body as { callId?: unknown } | undefined)?.callId;
    if (typeof callId !== 'string' || !callId || callId.length > LIMITS.maxIdLength) {
      return sendError(res, 'invalid-payload', 'callId is required');
    }
    res.json(await deps.rooms.token(identityOf(res), callId));
  });

  router.use(pushRoutes({ ...deps.push, auth, perAddress }));

  if (deps.livekit) {
    router.post(
      '/api/livekit/webhook',
      express.raw({ type: ['application/webhook+json', 'application/json'], limit: '256kb' }),
      liveKitWebhookRoute({
        options: deps.livekit,
        rooms: deps.rooms,
        metrics: deps.metrics,
        logger: deps.logger,
        claims: deps.claims,
      }),
    );
  }

  if (deps.lines) router.use(deps.lines.routes(auth));

  // Downloads and chunk uploads count against the same per-address and per-user budgets.
  if (deps.recordings) router.use(deps.recordings.routes(auth));

  router.use(errorHandler(deps.logger));
  return router;
}
