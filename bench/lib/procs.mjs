/**
 * Servers under test, each in its own process on loopback: the real `synapse-server` bin
 * (packages/reference-server/dist/cli.js, so `npm run build` first) and a bare Socket.IO relay
 * (bare-server.mjs). Both print the URL they listen on; RSS is read from /proc.
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_JWT_SECRET = 'synapse-bench-secret-0123456789abcdef';
const CLI = fileURLToPath(new URL('../../packages/reference-server/dist/cli.js', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-server.mjs', import.meta.url));
const START_MS = 20_000;

/** Resident set size of a process in KB, from /proc (Linux only, as the bench machines are). */
export function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]);
}

function waitForUrl(child, pattern, name) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not listen: ${out}`)), START_MS);
    const onData = (chunk) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        // Keep draining stdout so a chatty server never blocks on a full pipe.
        child.stdout.resume();
        resolve(match[1]);
      }
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}): ${out}`)));
  });
}

function handle(child, url, cleanup) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    pid: child.pid,
    rssKb: () => rssKb(child.pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      cleanup?.();
    },
  };
}

/**
 * The reference server as deployed: JWT auth, validation, rate limits on (defaults), the SQLite
 * call log on disk. `limits` raise only what a single-address load generator would trip over
 * (handshakes per second from 127.0.0.1). `nodeArgs` e.g. `['--cpu-prof', '--cpu-prof-dir=…']`.
 */
export async function startSynapse({ env = {}, nodeArgs = [] } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'synapse-bench-'));
  const child = spawn(process.execPath, [...nodeArgs, CLI], {
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      SYNAPSE_JWT_SECRET: BENCH_JWT_SECRET,
      SYNAPSE_DATA_DIR: dataDir,
      SYNAPSE_HANDSHAKE_RATE_LIMIT_PER_SEC: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Logging stays at the deployed default (info): its cost is part of what is measured.
  const url = await waitForUrl(child, /"url":"(http:\/\/127\.0\.0\.1:\d+)"/, 'synapse-server');
  return handle(child, url, () => rmSync(dataDir, { recursive: true, force: true }));
}

/** A bare Socket.IO server: the floor any signalling server on Socket.IO pays. */
export async function startBare({ nodeArgs = [] } = {}) {
  const child = fork(BARE, [], { execArgv: nodeArgs, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const url = await waitForUrl(child, /listening (http:\/\/127\.0\.0\.1:\d+)/, 'bare server');
  return handle(child, url);
}
