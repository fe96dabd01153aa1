/**
 * The one way tests mint user tokens: HS256 JWTs with the claims the reference server reads.
 * Works in Node and in the browser (jose), so page-side tests use it too.
 */
import { SignJWT } from 'jose';
import type { Role } from '@synapse-calling/protocol';

/** The HS256 secret every test server verifies with (≥ 32 characters, as the server requires). */
export const TEST_JWT_SECRET = 'synapse-test-secret-0123456789abcdef';

export interface TestTokenClaims {
  sub: string;
  tenant: string;
  role: Role;
  name?: string;
  /** Adds the `admin: true` claim (the lines admin API). */
  admin?: boolean;
  /** jose duration (`'1h'`, `'5s'`) or seconds since the epoch. Default `'1h'`. */
  expiresIn?: string | number;
}

/** Signs a user token the test server accepts (HS256, `TEST_JWT_SECRET` unless given). */
export async function mintTestToken(
  claims: TestTokenClaims,
  secret: string = TEST_JWT_SECRET,
): Promise<string> {
  const { sub, tenant, role, name, admin, expiresIn = '1h' } = claims;
  return new SignJWT({
    tenant,
    role,
    ...(name === undefined ? {} : { name }),
    ...(admin === undefined ? {} : { admin }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
