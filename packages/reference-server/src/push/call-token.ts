import { hkdfSync, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { AuthError } from '../auth';

/** What a call-scoped token allows, and for whom. */
export interface CallTokenClaims {
  tenant: string;
  userId: string;
  callId: string;
}

/** The audience that marks a call-scoped token; user session tokens never carry it. */
const AUDIENCE = 'synapse:call-action';
const ACTION = 'decline';

/**
 * Short-lived, call-scoped tokens for the service worker: one allows declining one ringing call
 * by its callee, until the call stops ringing. They are signed with a key derived from the VAPID
 * private key, which every node shares, and never with the key of the user's session tokens — so
 * a call token is no session token anywhere, and a session token is no call token.
 */
export class CallTokens {
  private readonly key: Uint8Array;

  constructor(vapidPrivateKey: string) {
    this.key = new Uint8Array(
      hkdfSync(
        'sha256',
        Buffer.from(vapidPrivateKey, 'base64url'),
        Buffer.alloc(0),
        'synapse call action token v1',
        32,
      ),
    );
  }

  /** A token for `claims` that expires at `expiresAt` (ms since the epoch: the ring's end). */
  sign(claims: CallTokenClaims, expiresAt: number): Promise<string> {
    return new SignJWT({ tenant: claims.tenant, call: claims.callId, act: ACTION })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setAudience(AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.ceil(expiresAt / 1000))
      .sign(this.key);
  }

  /**
   * The claims of a valid token for declining `callId`. Throws an AuthError otherwise (another
   * call, expired, a session token, a forgery).
   */
  async verify(token: string | undefined, callId: string): Promise<CallTokenClaims> {
    if (!token || token.length > 4096) throw new AuthError('unauthorized', 'a token is required');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        throw new AuthError('token-expired', 'the call has stopped ringing');
      }
      throw new AuthError('unauthorized', 'the token is not valid');
    }
    const { sub, tenant, call, act } = payload;
    if (typeof sub !== 'string' || typeof tenant !== 'string' || act !== ACTION) {
      throw new AuthError('unauthorized', 'the token is not valid');
    }
    if (call !== callId) throw new AuthError('unauthorized', 'the token is for another call');
    return { tenant, userId: sub, callId };
  }
}
