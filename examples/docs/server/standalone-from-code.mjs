// @ts-check
import express from 'express';
const mySignInRouter = express.Router();

// #region from-code
import { configFromEnv, startSynapseServer } from '@synapse-calling/reference-server';

const server = await startSynapseServer({
  ...configFromEnv(process.env), // or write the options by hand
  configureApp: (app) => app.use(mySignInRouter), // runs before Synapse's routes
  staticDir: './public', // served after them: a folder of pages only
});
console.log(server.url); // e.g. http://127.0.0.1:3000
await server.close(); // Synapse and the HTTP server
// #endregion from-code
