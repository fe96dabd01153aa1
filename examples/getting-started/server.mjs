// Your existing Node backend (Express here), with Synapse Calling mounted into it.
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  dataDir: './data', // the call log: keep it out of every folder you serve
  onCallEvent: (event) => console.log('call event', event.type, event.call.id),
});

// 4. Serve only what browsers need: the elements bundle (and the chunks it loads) from npm, and
//    your public/ folder — never this file's folder, which holds server code and node_modules.
const bundle = fileURLToPath(import.meta.resolve('@synapse-calling/elements/synapse-elements.js'));
app.use('/elements', express.static(dirname(bundle)));
app.use(express.static(join(import.meta.dirname, 'public'))); // page.html
// Loopback only while you try it; behind your TLS proxy, bind what the proxy reaches.
httpServer.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () =>
  console.log(`listening on http://127.0.0.1:${httpServer.address().port}`),
);
