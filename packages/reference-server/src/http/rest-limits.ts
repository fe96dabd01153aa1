import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bearerToken } from '../auth';
import type { Budget } from '../limits/budget';
import { clientAddress } from '../limits/client-address';
import type { Metrics } from '../metrics';
import { userKey } from '../stores/keys';
import { identityOf, sendError } from './rest';

/** Refusals held back at once; beyond this they are answered at once. */
const MAX_HELD_REFUSALS = 1000;

/**
 * A request budget as Express middleware: beyond it, `429 rate-limited` with `Retry-After` (whole
 * seconds until the window ends). The 429 itself is sent when the window that refused the request
 * ends, not at once: a client that sends its next request as soon as it has an answer (one
 * keep-alive connection after another) then gets about one answer a second instead of thousands.
 * `keyOf` names whose budget the request uses.
 */
export function limitRequests(
  budget: Budget | undefined,
  keyOf: (req: Request, res: Response) => string,
  limit: 'rest-per-user' | 'rest-per-address',
  metrics: Metrics,
): RequestHandler {
  if (!budget) return (_req, _res, next) => next();
  let held = 0;
  return (req: Request, res: Response, next: NextFunction) => {
    void budget.take(keyOf(req, res)).then((verdict) => {
      if (verdict.ok) return next();
      metrics.limitRefusals.inc({ limit });
      const refuse = () => {
        if (res.headersSent || res.destroyed) return;
        res.setHeader('Retry-After', String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))));
        sendError(res, 'rate-limited', 'too many requests; retry later');
      };
      if (held >= MAX_HELD_REFUSALS) return refuse();
      held += 1;
      setTimeout(
        () => {
          held -= 1;
          refuse();
        },
        Math.min(verdict.retryAfterMs, 1000),
      ).unref();
    });
  };
}

/** The budget key of the authenticated user (after `authenticate`). */
export const byUser = (_req: Request, res: Response): string => {
  const { tenant, userId } = identityOf(res);
  return userKey(tenant, userId);
};

/** The budget key of the client's address, `trustProxy` proxies considered. */
export const byAddress =
  (trustProxy: number) =>
  (req: Request): string =>
    clientAddress(req, trustProxy);

/**
 * `GET /metrics` behind a bearer secret; refused with 401 (no body detail) otherwise. Compared in
 * constant time, so the answer's timing does not reveal the secret.
 */
export function metricsRoute(token: string, metrics: Metrics): RequestHandler {
  const expected = Buffer.from(token);
  return async (req, res) => {
    const given = Buffer.from(bearerToken(req.headers.authorization) ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.status(401).end();
      return;
    }
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  };
}
