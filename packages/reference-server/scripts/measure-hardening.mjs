#!/usr/bin/env node
/**
 * Numbers for the hardening work (issue 11), measured against the real `synapse-server` bin
 * (`dist/cli.js`, so run `npm run build` first) started with only the required settings:
 *
 * - a well-behaved client's heartbeat ack latency (p50/p99/max) while hostile connections send
 *   binary attachments or deeply nested metadata at 20 events a second, or flood heartbeats;
 * - how many connections one token gets, and the server's RSS per connected socket.
 *
 * Usage: node packages/reference-server/scripts/measure-hardening.mjs [seconds per attack, 6]
 * Prints one JSON line per measurement. Timings depend on the machine; compare runs made on the
 * same machine at the same time (e.g. this commit against an older build).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
// The test suite's own plain-JavaScript tools, so that these numbers come from the same clients.
import { connectCall } from '../../test-utils/src/server/call-client.mjs';

const seconds = Number(process.argv[2] ?? 6);
const SECRET = 'measure-hardening-secret-of-at-least-32-chars';
// SYNAPSE_TEST_BIN measures another build (e.g. an older commit's) with the same script.
const cli =
  process.env.SYNAPSE_TEST_BIN ?? fileURLToPath(new URL('../dist/cli.js', import.meta.url));

async function token(sub, role) {
  return new SignJWT({ tenant: 'acme', role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

function startBin() {
  const dataDir = mkdtempSync(join(tmpdir(), 'synapse-measure-'));
  const child = spawn(process.execPath, [cli], {
    env: {
      PATH: process.env.PATH ?? '',
      SYNAPSE_JWT_SECRET: SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      SYNAPSE_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d.toString();
      const match = /"url":"(http:[^"]+)"/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`synapse-server exited ${code}: ${out}`)));
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `{ socket, ok, code }`: connected, or refused with `code`. */
async function connect(url, jwt) {
  const { socket, code } = await connectCall(url, jwt);
  return { socket, ok: !code, code };
}

const rssKb = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/**
 * Heartbeats from each socket one after another, 60 ms apart (within the per-connection limit
 * of 20 a second), for `ms`; returns all ack latencies in ms, sorted.
 */
async function heartbeats(sockets, ms) {
  const latencies = [];
  const end = performance.now() + ms;
  await Promise.all(
    sockets.map(async (socket) => {
      while (performance.now() < end) {
        const start = performance.now();
        await socket.timeout(10_000).emitWithAck('heartbeat', {});
        latencies.push(performance.now() - start);
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

const hostileClient = fileURLToPath(
  new URL('../../test-utils/src/server/hostile-client.mjs', import.meta.url),
);

/**
 * The attacks of issue 11, run by the test suite's hostile client in a process of its own (at
 * normal priority, as the attacker ran): [name, attack, events a second per connection
 * (0: as fast as it can), connections].
 */
const attacks = [
  ['none', 'none', 0, 0],
  ['binary x1 at 20/s', 'binary', 20, 1],
  ['binary x2 at 20/s', 'binary', 20, 2],
  ['deep x2 at 20/s', 'deep', 20, 2],
  ['flood x2', 'flood', 0, 2],
];

/** Starts an attack; the returned function stops it and resolves with the server's answers. */
function startAttack(attack, url, jwt, rate, connections) {
  if (attack === 'none') return async () => ({});
  const child = spawn(
    process.execPath,
    [hostileClient, attack, url, jwt, String(rate), String(connections)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d.toString()));
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    return JSON.parse(output.trim().split('\n').at(-1) || '{}').outcomes ?? {};
  };
}

const server = startBin();
try {
  const url = await server.url;
  // Three users, for enough samples within each one's rate limit.
  const bystanders = [];
  for (let i = 0; i < 3; i++) {
    bystanders.push((await connect(url, await token(`bystander-${i}`, 'agent'))).socket);
  }
  for (const [name, attack, rate, connections] of attacks) {
    const hostileToken = await token(`mallory-${attack}`, 'customer');
    const stop = startAttack(attack, url, hostileToken, rate, connections);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const latencies = await heartbeats(bystanders, seconds * 1000);
    const answered = await stop();
    const round = (v) => Math.round(v * 10) / 10;
    console.log(
      JSON.stringify({
        attack: name,
        heartbeats: latencies.length,
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1)),
        answered,
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  for (const socket of bystanders) socket.close();
} finally {
  await server.stop();
}

// Connections one token gets, and RSS per socket on a fresh server (the attacks above leave
// garbage behind), over many users so that a per-user cap does not limit the sample.
const fresh = startBin();
try {
  const url = await fresh.url;
  const tries = 500;
  const hostileToken = await token('mallory', 'customer');
  const oneUser = [];
  for (let i = 0; i < tries; i++) oneUser.push(await connect(url, hostileToken));
  const accepted = oneUser.filter((c) => c.ok).length;
  for (const c of oneUser) c.socket?.close();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const users = await Promise.all(
    Array.from({ length: 50 }, (_, i) => token(`user-${i}`, 'customer')),
  );
  const base = rssKb(fresh.pid);
  const sockets = [];
  while (sockets.length < tries) {
    const c = await connect(url, users[sockets.length % users.length]);
    if (c.ok) sockets.push(c.socket);
    // Stay under the per-address handshake limit, which is not what is measured here.
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = rssKb(fresh.pid);
  console.log(
    JSON.stringify({
      connectionsPerToken: `${accepted}/${tries}`,
      refusedWith: oneUser.find((c) => !c.ok)?.code ?? null,
      rssKbPerSocket: Math.round(((after - base) / sockets.length) * 10) / 10,
      sockets: sockets.length,
    }),
  );
  for (const s of sockets) s.close();
} finally {
  await fresh.stop();
}
