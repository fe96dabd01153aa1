// @ts-check
/** @type {import('express').RequestHandler} */
const myTokenEndpoint = (_req, res) => res.json({ token: '…' }); // as in getting-started.md
const crm = { saveCall: (/** @type {unknown} */ event) => console.log(event) };

// #region library
import { createServer } from 'node:http';
import express from 'express';
import { createSynapseServer } from '@synapse-calling/reference-server';

const app = express();
const httpServer = createServer(app);

// Your routes before ours (e.g. the token endpoint your pages call: JSON { token })…
app.get('/synapse/token', myTokenEndpoint);

const synapse = await createSynapseServer({
  httpServer,
  app,
  auth: { jwtSecret: process.env.SYNAPSE_JWT_SECRET ?? '' },
  allowedOrigins: ['https://crm.example.com'],
  dataDir: './data', // outside the folder you serve
  canCall: (from, to) => from.role === 'agent' || to.role === 'agent',
  onCallEvent: (event) => crm.saveCall(event),
});

// …and after ours: only your public folder, never your project's root.
app.use(express.static('public'));
httpServer.listen(3000);

process.on('SIGTERM', async () => {
  await synapse.close();
  httpServer.close();
});
// #endregion library
