// An Express app that renders the React page on the server (the installed react-dom and
// @synapse-calling/react) and mounts Synapse Calling, as an integrator's SSR app would.
// Prints `listening on URL`; GET /upgrades says how many WebSockets were opened so far.
import { createServer } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { SignJWT } from 'jose';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { createSynapseServer } from '@synapse-calling/reference-server';
import { App } from '../react-out/app.js'; // vite build --ssr

const secret = 's'.repeat(40);
const app = express();
const httpServer = createServer(app);
let upgrades = 0;
httpServer.on('upgrade', () => upgrades++);

app.get('/synapse/token', async (req, res) => {
  const token = await new SignJWT({ tenant: 'acme', role: 'agent', name: 'Zoe' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('zoe')
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
  res.json({ token });
});
app.get('/upgrades', (_req, res) => res.json({ upgrades }));
app.use('/assets', express.static(join(import.meta.dirname, '../react-dist')));
app.get('/', (req, res) => {
  const origin = `http://${req.headers.host}`;
  const html = renderToString(
    createElement(App, { options: { url: origin, tokenUrl: '/synapse/token' } }),
  );
  res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SSR</title><link rel="icon" href="data:,"></head>
<body><div id="root">${html}</div><script type="module" src="/assets/client.js"></script></body></html>`);
});

await createSynapseServer({ httpServer, app, auth: { jwtSecret: secret }, dataDir: ':memory:' });
httpServer.listen(0, '127.0.0.1', () =>
  console.log(`listening on http://127.0.0.1:${httpServer.address().port}`),
);
