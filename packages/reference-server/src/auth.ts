import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { LIMITS, ROLES, type HandshakeErrorData, type Role } from '@synapse-calling/protocol';

/** Where the keys that sign user tokens come from. Exactly one of `jwtSecret` / `jwksUrl`. */
export interface AuthOptions {
  /** HS256 shared secret (at least 32 characters). Only HS256 is accepted with it. */
  jwtSecret?: string;
  /** JWKS endpoint of the host app; RS256, ES256 and EdDSA are accepted with it. */
  jwksUrl?: string;
  /** If set, the token's `iss` must equal it. */
  issuer?: string;
  /** If set, the token's `aud` must contain it. */
  audience?: string;
  /** Allowed clock skew in seconds for `exp`/`nbf`. Default 5. */
  clockToleranceSec?: number;
  /**
   * Longest token lifetime accepted, in seconds: a token whose `exp` lies further than this after
   * its `iat` (or after now) is refused, so that a leaked long-lived token is useless. `0` turns
   * the check off. Default 86400 (24 h).
   */
  maxTokenLifetimeSec?: number;
}

/** Who a verified token says the user is. Identity and tenant come only from here. */
export interface Identity {
  userId: string;
  tenant: string;
  name: string;
  role: Role;
  /** Set (true) when the token carries `admin: true`: the tenant's lines may be managed. */
  admin?: true;
  /** Expiry (`exp`) in milliseconds since the epoch. */
  expiresAt: number;
  /**
   * The last moment the server accepts this token: `exp` plus the clock tolerance. A connection
   * is closed then, not at `exp`, so that a token the handshake accepted inside the allowed skew
   * is not dropped the instant it connects.
   */
  validUntil: number;
}

/** A refused token; `code` goes into `connect_error`'s `data` and REST 401 bodies. */
export class AuthError extends Error {
  readonly data: HandshakeErrorData;
  constructor(code: 'unauthorized' | 'token-expired', message: string) {
    super(message);
    this.name = 'AuthError';
    this.data = { code, message };
  }
}

export const MIN_SECRET_LENGTH = 32;

/** Default of `AuthOptions.maxTokenLifetimeSec`: a day. */
export const DEFAULT_MAX_TOKEN_LIFETIME_SEC = 24 * 60 * 60;

/**
 * Whether a URL is https, or plain http to this machine only. Keys fetched over plain http from
 * elsewhere could be swapped on the way, and whoever swaps them can sign any token.
 */
export function secureOrLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return (
    protocol === 'https:' ||
    (protocol === 'http:' &&
      (hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname)))
  );
}

const claimsSchema = z.object({
  sub: z.string().min(1).max(LIMITS.maxIdLength),
  tenant: z.string().min(1).max(LIMITS.maxIdLength),
  role: z.enum(ROLES),
  name: z.string().max(200).optional(),
  admin: z.boolean().optional(),
  exp: z.number(),
  iat: z.number().optional(),
});

export type TokenVerifier = (token: unknown) => Promise<Identity>;

/**
 * Builds the verifier used by both the Socket.IO handshake and the REST routes. The algorithm
 * list is pinned per key type, so `alg: none`, HS512 or an RS256 token "signed" with the shared
 * secret are all refused.
 *
 * @example
 * const verify = createTokenVerifier({ jwtSecret: process.env.SYNAPSE_JWT_SECRET });
 *
 * // your own route, protected by the same tokens as the calls
 * app.get('/my/api', async (req, res) => {
 *   try {
 *     const token = req.get('authorization')?.replace(/^Bearer /, '');
 *     const { tenant, userId } = await verify(token);
 *     res.json(await myData(tenant, userId));
 *   } catch (err) {
 *     if (err instanceof AuthError) return res.status(401).json({ error: err.data });
 *     throw err;
 *   }
 * });
 *
 * @param options - exactly one of `jwtSecret` (HS256, at least 32 characters) or `jwksUrl`
 * @return a function resolving a token to its `Identity`, or rejecting with an `AuthError`
 */
export function createTokenVerifier(options: AuthOptions): TokenVerifier {
  if (Boolean(options.jwtSecret) === Boolean(options.jwksUrl)) {
    throw new Error('auth: set exactly one of jwtSecret or jwksUrl');
  }
  if (options.jwtSecret && options.jwtSecret.length < MIN_SECRET_LENGTH) {
    throw new Error(`auth: jwtSecret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (options.jwksUrl && !secureOrLocal(options.jwksUrl)) {
    throw new Error('auth: jwksUrl must use https (plain http only on localhost)');
  }
  const maxLifetimeSec = options.maxTokenLifetimeSec ?? DEFAULT_MAX_TOKEN_LIFETIME_SEC;
  const key: Uint8Array | JWTVerifyGetKey = options.jwtSecret
    ? new TextEncoder().encode(options.jwtSecret)
    : createRemoteJWKSet(new URL(options.jwksUrl as string));
  const algorithms = options.jwtSecret ? ['HS256'] : ['RS256', 'ES256', 'EdDSA'];
  const toleranceSec = options.clockToleranceSec ?? 5;
  const verifyOptions = {
    algorithms,
    requiredClaims: ['exp', 'sub'],
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    clockTolerance: toleranceSec,
  };

  return async (token) => {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) {
      throw new AuthError('unauthorized', 'a token is required');
    }
    let payload: unknown;
    try {
      // Overloads differ for a key and a key getter; both are valid at runtime.
      payload =
        key instanceof Uint8Array
          ? (await jwtVerify(token, key, verifyOptions)).payload
          : (await jwtVerify(token, key, verifyOptions)).payload;
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        throw new AuthError('token-expired', 'the token has expired');
      }
      throw new AuthError('unauthorized', 'the token is not valid');
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) {
      throw new AuthError('unauthorized', 'the token lacks sub, tenant or role claims');
    }
    const { sub, tenant, role, name, admin, exp, iat } = claims.data;
    // Measured from `iat` and from now: a token "issued" in the future must not escape the limit.
    const nowSec = Date.now() / 1000;
    if (maxLifetimeSec > 0 && exp - Math.min(iat ?? nowSec, nowSec) > maxLifetimeSec) {
      throw new AuthError('unauthorized', 'the token lives longer than this server accepts');
    }
    return {
      userId: sub,
      tenant,
      role,
      name: name ?? sub,
      ...(admin === true ? { admin } : {}),
      expiresAt: exp * 1000,
      validUntil: (exp + toleranceSec) * 1000,
    };
  };
}

/** Reads `Authorization: Bearer <jwt>`; anything else yields `undefined`. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
