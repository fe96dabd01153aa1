// @ts-check
import { createServer } from 'node:http';
import express from 'express';

// #region lines
import { createSynapseServer } from '@synapse-calling/reference-server';

const app = express();
const httpServer = createServer(app);
await createSynapseServer({
  httpServer,
  app,
  auth: { jwtSecret: process.env.SYNAPSE_JWT_SECRET ?? '' },
  lines: {
    acme: {
      support: {
        name: 'Support',
        members: ['alice', 'bob', 'dave'],
        strategy: 'longest-idle',
        agentRingTimeoutMs: 15_000,
        maxWaitMs: 300_000,
        maxQueueLength: 20,
        businessHours: {
          timeZone: 'Europe/Berlin',
          days: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-12:00', '13:00-17:00'] },
        },
        closedMessage: 'We answer Monday to Wednesday from 9:00.',
      },
    },
  },
});
// #endregion lines
httpServer.listen(0);
