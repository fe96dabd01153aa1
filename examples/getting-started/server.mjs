// Your existing Node backend (Express here), with Synapse Calling mounted into it.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express from 'express';
import { SignJWT } from 'jose';
import { createSynapseServer } from '@synapse-calling/reference-server';

const secret = process.env.SYNAPSE_JWT_SECRET; // ≥ 32 random characters, shared with nobody
const app = express();
const httpServer = createServer(app);

// 1. Your app already knows who is signed in. (A stand-in for your session middleware:
//    `?as=carol` signs in as carol, remembered in a cookie.)
app.use((req, res, next) => {
  const as = new URL(req.url, 'http://x').searchParams.get('as');
  if (as) res.cookie('as', as);
  const cookie = /(?:^|; )as=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
  const id = as ?? (cookie ? decodeURIComponent(cookie) : 'alice');
  req.user = { id, name: id[0].toUpperCase() + id.slice(1), org: 'acme', isStaff: id === 'alice' };
  next();
});

// 2. A token endpoint: sign a short-lived JWT for that user. <synapse-calling token-url> calls it.
app.get('/synapse/token', async (req, res) => {
  const token = await new SignJWT({
    tenant: req.user.org,
    role: req.user.isStaff ? 'agent' : 'customer',
    name: req.user.name,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(req.user.id)
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
  res.json({ token });
});

// 3. Mount Synapse Calling: Socket.IO on your HTTP server, REST routes on your app.
await createSynapseServer({
  httpServer,
  app,
  auth: { jwtSecret: secret },
  dataDir: './data',
  onCallEvent: (event) => console.log('call event', event.type, event.call.id),
});

// The elements bundle from npm (@synapse-calling/elements), and your pages.
const require = createRequire(import.meta.url);
const elementsDist = join(
  dirname(require.resolve('@synapse-calling/elements/package.json')),
  'dist',
);
app.use('/elements', express.static(elementsDist));
app.use(express.static(import.meta.dirname)); // serves page.html
httpServer.listen(process.env.PORT ?? 3000, () =>
  console.log(`listening on http://localhost:${httpServer.address().port}`),
);
