import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ErrorCode, RestErrorBody } from '@synapse-calling/protocol';
import { AuthError, bearerToken, type Identity, type TokenVerifier } from '../auth';
import { HTTP_STATUS, ProtocolFailure } from '../errors';
import type { Logger } from 'pino';

/** Sends `{ error: { code, message } }` with the status that matches the code. */
export function sendError(res: Response, code: ErrorCode, message: string): void {
  const body: RestErrorBody = { error: { code, message } };
  res.status(HTTP_STATUS[code]).json(body);
}

/** Express 5 forwards rejected promises of async handlers here. */
export function errorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    if (err instanceof ProtocolFailure) return sendError(res, err.code, err.message);
    if (err instanceof AuthError) return sendError(res, err.data.code, err.data.message);
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // body-parser: malformed JSON, too large, wrong charset…
      return sendError(res, 'invalid-payload', 'the request body could not be read');
    }
    logger.error({ err }, 'request failed');
    sendError(res, 'internal', 'internal error');
  };
}

/** The verified identity the `authenticate` middleware attached to the request. */
export function identityOf(res: Response): Identity {
  return res.locals.identity as Identity;
}

/** Bearer-token middleware: the same JWT as the Socket.IO handshake. */
export function authenticate(verify: TokenVerifier) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const token = bearerToken(req.headers.authorization);
    if (!token) return sendError(res, 'unauthorized', 'a Bearer token is required');
    try {
      res.locals.identity = await verify(token);
    } catch (err) {
      if (err instanceof AuthError) return sendError(res, err.data.code, err.data.message);
      throw err;
    }
    next();
  };
}

/** Whether a browser Origin may talk to us; no Origin (native apps, servers) always may. */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (!origin || allowed.length === 0) return true;
  return allowed.includes(origin.replace(/\/$/, ''));
}

/**
 * CORS for the REST API, driven by the same allowlist as the Socket.IO handshake; `onRefused`
 * hears each refused origin.
 */
export function cors(allowed: readonly string[], onRefused: (origin: string) => void = () => {}) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (origin && !originAllowed(origin, allowed)) {
      onRefused(origin);
      return sendError(res, 'forbidden', 'origin not allowed');
    }
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'authorization, content-type');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

/** JSON bodies for the API routes only, small: nothing we accept is larger than a call id. */
export const jsonBody = (): ReturnType<typeof express.json> => express.json({ limit: '16kb' });

export type { Router };
