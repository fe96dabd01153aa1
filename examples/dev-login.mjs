import express from 'express';
import { SignJWT } from 'jose';
import { DEMO_LINES, DEMO_USERS, findDemoUser } from './demo-users.mjs';

/**
 * Development sign-in: mints a token for any seeded demo user, no password. It exists so that a
 * person trying the demo can pick "alice" in one window and "carol" in another. It must never run
 * in production, so creating it there throws and the demo refuses to start (docs/security.md).
 */
export function createDevLogin({ jwtSecret, tokenTtlSeconds = 15 * 60 }) {
  if (process.env.NODE_ENV === 'production') {
    throw new Error(
      'The development sign-in is enabled but NODE_ENV=production: it would let anyone sign in as anyone. Set SYNAPSE_DEV_LOGIN=0 to turn it off.',
    );
  }
  const key = new TextEncoder().encode(jwtSecret);
  const router = express.Router();

  // `lines`: the line ids of each tenant, so a portal offers "Call support" only where it exists.
  router.get('/demo/users', (_req, res) => {
    const lines = Object.fromEntries(
      Object.entries(DEMO_LINES).map(([tenant, byId]) => [tenant, Object.keys(byId)]),
    );
    res.json({ users: DEMO_USERS, lines });
  });

  // GET for <synapse-calling token-url>, POST for scripts; both answer { token, user }.
  router.all('/demo/token', async (req, res) => {
    const id = String(req.query.user ?? req.body?.user ?? '');
    const user = findDemoUser(id);
    if (!user) {
      res.status(404).json({ error: { code: 'not-found', message: `No demo user "${id}"` } });
      return;
    }
    const token = await new SignJWT({ tenant: user.tenant, role: user.role, name: user.name })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuedAt()
      .setExpirationTime(`${tokenTtlSeconds}s`)
      .sign(key);
    res.set('Cache-Control', 'no-store').json({ token, user });
  });

  return router;
}
