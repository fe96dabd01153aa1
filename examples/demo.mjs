#!/usr/bin/env node
/**
 * The demo: the reference server with its embedded defaults (in-memory presence, SQLite call log
 * under ./data, P2P media — or LiveKit when LIVEKIT_* are set) serving the example pages and a
 * development sign-in. `npm run demo` builds the packages and runs this.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { ConfigError, configFromEnv, startSynapseServer } from '@synapse-calling/reference-server';
import { DEMO_LINES } from './demo-users.mjs';
import { createDevLogin } from './dev-login.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkgDir = (name) => dirname(require.resolve(`${name}/package.json`));

const env = {
  PORT: '3000',
  // Loopback only unless HOST says otherwise: the dev sign-in lets anyone sign in as anyone, so
  // the demo must not be reachable from the network by accident.
  HOST: '127.0.0.1',
  SYNAPSE_DATA_DIR: join(here, '..', 'data'),
  ...Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')),
};
// The demo is the one place where the dev sign-in is on by default (it still refuses
// production). Only the exact value `1` keeps it on; set at all to anything else — the empty
// string included, which elsewhere counts as unset — it is off.
const devLoginSetting = process.env.SYNAPSE_DEV_LOGIN ?? '1';
// The demo shows call recording (agents record; docs/recording.md). Hosts turn it on themselves.
env.SYNAPSE_RECORDING ??= 'on';
// Tokens are minted by this same process, so a fresh random secret per run is enough.
env.SYNAPSE_JWT_SECRET ??= randomBytes(32).toString('hex');

let config;
try {
  config = configFromEnv(env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`demo: configuration error: ${err.message}`);
    process.exit(2);
  }
  throw err;
}

// The demo's support line, unless SYNAPSE_LINES_FILE names the lines.
config.lines ??= DEMO_LINES;

let devLogin;
if (devLoginSetting === '1') {
  try {
    devLogin = createDevLogin({ jwtSecret: env.SYNAPSE_JWT_SECRET });
  } catch (err) {
    console.error(`demo: ${err.message}`);
    process.exit(2);
  }
}

const server = await startSynapseServer({
  ...config,
  configureApp(app) {
    app.use(express.json({ limit: '4kb' }));
    if (devLogin) app.use(devLogin);
    // The single-file bundle a portal loads with one <script> tag, and sdk-core (with the protocol
    // package it imports) for the custom UI.
    app.use('/elements', express.static(join(pkgDir('@synapse-calling/elements'), 'dist')));
    // The service worker at the root, so that its scope is the whole site (docs/notifications.md).
    app.get('/synapse-sw.js', (_req, res) =>
      res.sendFile(join(pkgDir('@synapse-calling/elements'), 'dist', 'synapse-sw.js')),
    );
    app.use('/sdk-core', express.static(join(pkgDir('@synapse-calling/sdk-core'), 'dist')));
    app.use('/protocol', express.static(join(pkgDir('@synapse-calling/protocol'), 'dist')));
    // The React example as Vite built it (npm run build).
    app.use('/react-crm', express.static(join(here, 'react-crm', 'dist')));
    app.get('/vendor/socket.io-client.js', (_req, res) =>
      res.sendFile(join(pkgDir('socket.io-client'), 'dist', 'socket.io.esm.min.js')),
    );
    app.get('/vendor/livekit-client.js', (_req, res) =>
      // livekit-client exports no ./package.json; its main entry sits in dist/.
      res.sendFile(join(dirname(require.resolve('livekit-client')), 'livekit-client.esm.mjs')),
    );
  },
  // Only the pages: this folder also holds the demo's server code.
  staticDir: join(here, 'public'),
});

const media = config.livekit
  ? `LiveKit (${config.livekit.url})`
  : 'peer-to-peer WebRTC (no LiveKit configured)';
console.log(`
  Synapse Calling demo is running.

    Sign in:         ${server.url}/
    Agent CRM:       ${server.url}/crm-agent/?user=alice
    Customer portal: ${server.url}/customer-portal/?user=carol
    Custom UI:       ${server.url}/custom-ui/?user=bob
    React CRM:       ${server.url}/react-crm/?user=alice

  Open alice and carol in two windows and call one from the other.${
    devLogin
      ? ''
      : '\n  Development sign-in: off (SYNAPSE_DEV_LOGIN is not 1); pages need your own tokens.'
  }
  Media: ${media}
  Call log: ${config.dataDir}
  Recording: ${config.recording ? 'on (agents record from the call panel)' : 'off'}
  Press Ctrl+C to stop.
`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    setTimeout(() => process.exit(1), 5_000).unref();
    server.close().then(() => process.exit(0));
  });
}
