/**
 * The services `npm run demo:cluster` runs, each a child process on a free loopback port with
 * its files under the demo's temp dir: PostgreSQL, Redis and nginx from Debian
 * (`npm run test:deps` installs them; so does `apt-get install postgresql redis-server nginx`).
 * Each `start…` resolves once the service answers, with `{ url, port, child, stop() }`.
 */
import { execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { nginxMainConfig, nginxSiteConfig } from './nginx-config.mjs';

/** A free TCP port on loopback (for servers that cannot bind port 0 and report it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it resolves truthy; throws `what` after `timeoutMs`. */
export async function waitFor(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Spawns a service in its own process group, so that a Ctrl-C in the terminal reaches only the
 * demo, which then stops the services in order. Keeps the tail of its output for errors.
 */
export function service(name, command, args, options = {}) {
  const child = spawn(command, args, {
    ...options,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d) => (output = (output + d.toString()).slice(-8_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  child.once('error', (err) => (output += `\n${err.message}`));
  return {
    name,
    child,
    exited,
    output: () => output,
    /** Sends `signal` unless it exited; kills it if it has not exited `graceMs` later. */
    async stop(signal = 'SIGTERM', graceMs = 8_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

function need(path, pkg) {
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: install ${pkg} (npm run test:deps, or apt-get install ${pkg})`,
    );
  }
}

export async function startRedis(dir) {
  const port = await freePort();
  const redis = service('redis', 'redis-server', [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    ...['--save', '', '--appendonly', 'no'],
  ]);
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (redis.child.exitCode !== null) throw new Error(redis.output());
    return (
      (await promisify(execFile)('redis-cli', ['-p', String(port), 'PING'])).stdout.trim() ===
      'PONG'
    );
  }, `redis-server on port ${port} (installed? apt-get install redis-server)`);
  return { ...redis, url, port };
}

/** uid/gid of the `postgres` account when we are root (PostgreSQL will not run as root). */
function postgresUser() {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid) throw new Error('running as root needs a postgres account to run PostgreSQL');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(dir) {
  const root = '/usr/lib/postgresql';
  need(root, 'postgresql');
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  const bin = join(root, version, 'bin');
  const user = postgresUser();
  const pgDir = join(dir, 'postgres');
  mkdirSync(pgDir);
  if (user.uid !== undefined) {
    // The postgres account must get through the demo's (private) dir to its own.
    chmodSync(dir, 0o711);
    chownSync(pgDir, user.uid, user.gid);
  }
  const data = join(pgDir, 'data');
  await promisify(execFile)(
    join(bin, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'synapse', '--no-sync', '-E', 'UTF8'],
    user,
  );
  const port = await freePort();
  const postgres = service(
    'postgres',
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', pgDir, '-c', 'listen_addresses=127.0.0.1'],
    user,
  );
  const url = `postgres://synapse@127.0.0.1:${port}/postgres`;
  await waitFor(async () => {
    if (postgres.child.exitCode !== null) throw new Error(postgres.output());
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.end();
    return true;
  }, `postgres on port ${port}`);
  // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
  return { ...postgres, url, port, stop: () => postgres.stop('SIGINT') };
}

/** nginx with the docs' tested config in front of `upstreams`, listening on `port`. */
export async function startNginx(dir, upstreams, port) {
  const binary = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((b) => existsSync(b));
  need(binary ?? '/usr/sbin/nginx', 'nginx');
  const prefix = join(dir, 'nginx');
  mkdirSync(join(prefix, 'tmp'), { recursive: true });
  writeFileSync(join(prefix, 'synapse.conf'), nginxSiteConfig(upstreams, port));
  writeFileSync(join(prefix, 'nginx.conf'), nginxMainConfig(prefix, join(prefix, 'synapse.conf')));
  const nginx = service('nginx', binary, [
    ...['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'],
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (nginx.child.exitCode !== null) throw new Error(nginx.output());
    return (await fetch(`${url}/healthz`)).ok;
  }, `nginx on port ${port}`);
  // SIGQUIT: nginx's graceful stop.
  return { ...nginx, url, port, stop: () => nginx.stop('SIGQUIT') };
}
