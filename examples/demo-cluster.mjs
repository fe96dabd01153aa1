#!/usr/bin/env node
/**
 * The demo as a production-shaped cluster: PostgreSQL (call log), Redis (presence, calls,
 * broadcasts), three demo nodes (examples/demo.mjs, each serving the pages and the dev sign-in)
 * and nginx in front with the tested config of docs/deployment.md. Everything runs from a temp
 * dir on free loopback ports and is stopped, and the temp dir removed, on Ctrl-C (SIGINT) or
 * SIGTERM. `npm run demo:cluster` builds the packages and runs this; PORT (default 3000) is
 * nginx's port, the one to open.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  service,
  startNginx,
  startPostgres,
  startRedis,
  waitFor,
} from './cluster/services.mjs';

const NODES = 3;
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'synapse-demo-cluster-'));
const started = [];
let stopping;

/** Stops what runs: nginx, then the nodes together, then Redis and PostgreSQL. */
function stopAll(code) {
  stopping ??= (async () => {
    if (started.length) console.log('demo:cluster: stopping nginx, the nodes, Redis, PostgreSQL');
    const stop = (names) =>
      Promise.all(started.filter((s) => names.test(s.name)).map((s) => s.stop().catch(() => {})));
    for (const names of [/^nginx$/, /^node /, /^(redis|postgres)$/]) await stop(names);
    rmSync(dir, { recursive: true, force: true });
    process.exit(code);
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stopAll(0));
// Should the demo itself crash, take the services down with it.
process.on('exit', () => {
  for (const s of started) if (s.child.exitCode === null) s.child.kill('SIGKILL');
});

/** A demo node: examples/demo.mjs on `port`, sharing Redis, PostgreSQL and the token secret. */
async function startNode(index, port, env) {
  const node = service(`node ${index}`, process.execPath, [join(here, 'demo.mjs')], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
  });
  started.push(node);
  await waitFor(() => {
    if (node.child.exitCode !== null) throw new Error(node.output());
    return node.output().includes('Press Ctrl+C to stop');
  }, `node ${index} on port ${port}`);
  return node;
}

try {
  const postgres = await startPostgres(dir);
  started.push(postgres);
  const redis = await startRedis(dir);
  started.push(redis);
  const env = {
    REDIS_URL: redis.url,
    SYNAPSE_DATABASE_URL: postgres.url,
    // The nodes verify each other's tokens: one secret for all (minted fresh per run).
    SYNAPSE_JWT_SECRET: process.env.SYNAPSE_JWT_SECRET || randomBytes(32).toString('hex'),
    // nginx is the one proxy in front: the per-address limits count the browser's address.
    SYNAPSE_TRUST_PROXY: '1',
    // What is left in the data dir (recording files; their index is in Redis) is shared, as a
    // shared volume would be across hosts, so any node serves any recording.
    SYNAPSE_DATA_DIR: join(dir, 'data'),
  };
  mkdirSync(env.SYNAPSE_DATA_DIR);
  const ports = [];
  // One at a time: the first creates the schema (the others would wait on its lock anyway).
  for (let i = 1; i <= NODES; i++) {
    const port = await freePort();
    await startNode(i, port, env);
    ports.push(port);
  }
  const port = Number(process.env.PORT ?? 3000) || (await freePort());
  const nginx = await startNginx(
    dir,
    ports.map((p) => `127.0.0.1:${p}`),
    port,
  );
  started.push(nginx);
  for (const s of started) {
    s.exited.then((how) => {
      if (stopping) return;
      console.error(`demo:cluster: ${s.name} exited (${how}); stopping.\n${s.output()}`);
      void stopAll(1);
    });
  }
  const url = nginx.url;
  console.log(`
  Synapse Calling demo is running as a cluster: ${NODES} nodes behind nginx.

    Sign in:         ${url}/
    Agent CRM:       ${url}/crm-agent/?user=alice
    Customer portal: ${url}/customer-portal/?user=carol
    Custom UI:       ${url}/custom-ui/?user=bob
    React CRM:       ${url}/react-crm/?user=alice

  nginx:      ${url} → nodes on ports ${ports.join(', ')} (round robin, no sticky sessions)
  Call log:   PostgreSQL ${postgres.url}
  Redis:      ${redis.url}
  Processes:  ${started.map((s) => `${s.name} ${s.child.pid}`).join(', ')}
  Files:      ${dir} (removed on exit)
  Press Ctrl+C to stop everything.
`);
} catch (err) {
  console.error(`demo:cluster: ${err.message}`);
  await stopAll(1);
}
