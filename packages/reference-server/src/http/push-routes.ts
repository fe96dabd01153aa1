import { ECDH } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';
import {
  LIMITS,
  PUSH_LIMITS,
  type CallResult,
  type PushConfigResponse,
  type PushRegistration,
} from '@synapse-calling/protocol';
import { AuthError, bearerToken } from '../auth';
import type { CallManager } from '../calls/call-manager';
import { PushEndpointError } from '../push/endpoint-guard';
import type { CallTokenClaims } from '../push/call-token';
import type { PushService } from '../push/push-service';
import { identityOf, jsonBody, sendError } from './rest';

export interface PushRoutesDeps {
  /** Authenticates the session token within the REST limits, as every other `/api` route. */
  auth: RequestHandler;
  /** The REST limit per address, for the route a call-scoped token authenticates. */
  perAddress: RequestHandler;
  calls: Pick<CallManager, 'reject'>;
  /** Unset when push is turned off: every `/api/push` route then answers `not-found`. */
  push: PushService | undefined;
}

/** A base64url string that decodes to exactly `bytes` bytes. */
const base64url = (bytes: number) =>
  z
    .string()
    .max(Math.ceil((bytes * 4) / 3) + 2)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/)
    .refine((v) => Buffer.from(v, 'base64url').length === bytes, `must be ${bytes} bytes`);

const httpUrl = z
  .string()
  .max(PUSH_LIMITS.maxUrlLength)
  .refine(
    (v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol),
    'must be an http(s) URL',
  );

const registration = z.object({
  subscription: z.object({
    endpoint: z.string().min(1).max(PUSH_LIMITS.maxEndpointLength),
    expirationTime: z.number().nullable().optional(),
    keys: z.object({
      p256dh: base64url(65).refine(isCurvePoint, 'must be a P-256 public key'),
      auth: base64url(16),
    }),
  }),
  serverUrl: httpUrl,
  // A path on the worker's origin, or a full URL (the worker refuses other origins).
  openUrl: z
    .string()
    .max(PUSH_LIMITS.maxUrlLength)
    .refine((v) => (v.startsWith('/') && !v.startsWith('//')) || URL.canParse(v))
    .exactOptional(),
  lang: z
    .string()
    .max(PUSH_LIMITS.maxLangLength)
    .regex(/^[A-Za-z0-9-]+$/)
    .exactOptional(),
});

const removal = z.object({ endpoint: z.string().min(1).max(PUSH_LIMITS.maxEndpointLength) });

/**
 * `/api/push/*`: the VAPID public key, registering and removing this browser's subscription
 * for the signed-in user (their own row only), and declining a ringing call from the service
 * worker with the call-scoped token of its push.
 */
export function pushRoutes(deps: PushRoutesDeps): Router {
  const router = express.Router();
  const { push } = deps;
  if (!push) {
    router.use('/api/push', deps.perAddress, (_req, res) =>
      sendError(res, 'not-found', 'push is not enabled'),
    );
    return router;
  }
  const { auth } = deps;

  router.get('/api/push/config', auth, (_req, res) => {
    const body: PushConfigResponse = { publicKey: push.publicKey };
    res.json(body);
  });

  router.post('/api/push/subscriptions', auth, jsonBody(), async (req, res) => {
    const parsed = registration.safeParse(req.body);
    if (!parsed.success) {
      return sendError(res, 'invalid-payload', describe(parsed.error.issues[0]));
    }
    const body: PushRegistration = parsed.data;
    try {
      await push.guard.check(body.subscription.endpoint);
    } catch (err) {
      if (err instanceof PushEndpointError) return sendError(res, 'invalid-payload', err.message);
      throw err;
    }
    const { tenant, userId } = identityOf(res);
    await push.store.save(
      {
        tenant,
        userId,
        endpoint: body.subscription.endpoint,
        keys: body.subscription.keys,
        serverUrl: body.serverUrl,
        openUrl: body.openUrl ?? null,
        lang: body.lang ?? null,
        createdAt: Date.now(),
      },
      push.maxSubscriptionsPerUser,
    );
    res.status(204).end();
  });

  router.delete('/api/push/subscriptions', auth, jsonBody(), async (req, res) => {
    const parsed = removal.safeParse(req.body);
    if (!parsed.success) return sendError(res, 'invalid-payload', 'endpoint is required');
    const { tenant, userId } = identityOf(res);
    // Only the caller's own row: the same browser registered by someone else stays registered.
    await push.store.remove(tenant, userId, parsed.data.endpoint);
    res.status(204).end();
  });

  router.post('/api/push/calls/:callId/decline', deps.perAddress, async (req, res) => {
    const { callId } = req.params;
    if (typeof callId !== 'string' || !callId || callId.length > LIMITS.maxIdLength) {
      return sendError(res, 'invalid-payload', 'callId is required');
    }
    let claims: CallTokenClaims;
    try {
      claims = await push.tokens.verify(bearerToken(req.headers.authorization), callId);
    } catch (err) {
      if (err instanceof AuthError) return sendError(res, err.data.code, err.data.message);
      throw err;
    }
    // The worker has no connection and no session; only what the token names can act here.
    const identity = {
      tenant: claims.tenant,
      userId: claims.userId,
      name: claims.userId,
      role: 'customer' as const,
      expiresAt: 0,
      validUntil: 0,
    };
    const result: CallResult = await deps.calls.reject(
      { identity, socketId: 'web-push' },
      { callId, reason: 'declined from a notification' },
    );
    res.json(result);
  });

  return router;
}

function isCurvePoint(value: string): boolean {
  try {
    // Decoding the point checks that it lies on the curve.
    ECDH.convertKey(Buffer.from(value, 'base64url'), 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

function describe(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid registration';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
