// @ts-check
/**
 * The impairing relay: a forwarding process run by `impair.ts` on a home's NAT router, where
 * nftables redirects the home's traffic for the public services to it. It is then the only
 * route between the home and those services, and it drops and delays what it forwards on
 * command (this kernel has no netem qdisc, so impairment happens here, in user space).
 *
 * UDP: every datagram, each way, is dropped with probability `loss`, else delivered after
 * `delayMs` ± `jitterMs` (independently, so jitter reorders). TCP carries a byte stream that
 * must not lose bytes: a "lost" chunk is delivered one retransmission timeout (200 ms) late
 * instead, and at `loss: 1` the stream stalls, holding its bytes until the loss is lifted, as
 * TCP's own retransmissions would deliver them.
 *
 * argv[2]: JSON `{ "routes": [{ "proto": "udp" | "tcp", "listen": port, "host": h, "port": p }] }`.
 * stdin: one JSON command per line, `{ "loss": 0..1, "delayMs": n, "jitterMs": n }` (every
 * field optional, unset means 0) or `{ "stats": true }`; each is answered on stdout with one
 * JSON line. The first stdout line is `{"ready":true}` once every route listens.
 */
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';

/** @typedef {{ proto: 'udp' | 'tcp', listen: number, host: string, port: number }} Route */

const RTO_MS = 200;
const UDP_IDLE_MS = 120_000;
/** @type {{ routes: Route[] }} */
const config = JSON.parse(process.argv[2] ?? '{"routes":[]}');
let impairment = { loss: 0, delayMs: 0, jitterMs: 0 };
const stats = { forwarded: 0, dropped: 0 };
/** @type {Set<() => void>} Stalled TCP writers waiting for the loss to drop below 1. */
const stalled = new Set();

function delay() {
  const { delayMs, jitterMs } = impairment;
  return Math.max(0, delayMs + (Math.random() * 2 - 1) * jitterMs);
}

/** @param {() => void} send */
function datagram(send) {
  if (Math.random() < impairment.loss) {
    stats.dropped++;
    return;
  }
  stats.forwarded++;
  const ms = delay();
  if (ms === 0) send();
  else setTimeout(send, ms);
}

/** @param {Route} route */
function udpRoute(route) {
  const server = createSocket('udp4');
  /** @type {Map<string, { socket: import('node:dgram').Socket, idle: NodeJS.Timeout }>} */
  const flows = new Map();
  server.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let flow = flows.get(key);
    if (!flow) {
      // One upstream socket per client flow: a new public port for each, as a NAT would.
      const socket = createSocket('udp4');
      socket.on('message', (reply) => datagram(() => server.send(reply, from.port, from.address)));
      socket.on('error', () => undefined);
      flow = { socket, idle: setTimeout(() => undefined, 0) };
      flows.set(key, flow);
    }
    clearTimeout(flow.idle);
    const current = flow;
    current.idle = setTimeout(() => {
      current.socket.close();
      flows.delete(key);
    }, UDP_IDLE_MS);
    datagram(() => current.socket.send(msg, route.port, route.host));
  });
  return new Promise((resolve) => server.bind(route.listen, '0.0.0.0', () => resolve(server)));
}

/**
 * Writes `chunk` to `to` late by the current delay (plus an RTO when "lost"), or holds it while
 * the loss is total; always in order. One timer per lane: timers of different durations that
 * come due in the same millisecond do not fire in the order they were set, and a TCP stream
 * whose chunks swap places is corrupt.
 * @typedef {{ queue: { at: number, chunk: Buffer }[], held: Buffer[], timer?: NodeJS.Timeout }} Lane
 * @param {Lane} lane
 * @param {import('node:net').Socket} to
 * @param {Buffer} chunk
 */
function stream(lane, to, chunk) {
  if (impairment.loss >= 1 || lane.held.length) {
    lane.held.push(chunk);
    if (lane.held.length === 1) {
      stalled.add(function release() {
        if (impairment.loss >= 1) return;
        stalled.delete(release);
        for (const c of lane.held.splice(0)) stream(lane, to, c);
      });
    }
    return;
  }
  const lost = Math.random() < impairment.loss;
  if (lost) stats.dropped++;
  else stats.forwarded++;
  const last = lane.queue.at(-1)?.at ?? 0;
  lane.queue.push({ at: Math.max(Date.now() + delay() + (lost ? RTO_MS : 0), last), chunk });
  pump(lane, to);
}

/** Writes every chunk of `lane` that is due, then waits for the next one. */
function pump(/** @type {Lane} */ lane, /** @type {import('node:net').Socket} */ to) {
  clearTimeout(lane.timer);
  while (lane.queue.length && lane.queue[0].at <= Date.now()) {
    const { chunk } = /** @type {{ chunk: Buffer }} */ (lane.queue.shift());
    if (!to.destroyed) to.write(chunk);
  }
  if (lane.queue.length) {
    lane.timer = setTimeout(() => pump(lane, to), lane.queue[0].at - Date.now());
  }
}

/** @param {Route} route */
function tcpRoute(route) {
  const server = createServer((client) => {
    const upstream = connect(route.port, route.host);
    /** @type {Lane} */
    const up = { queue: [], held: [] };
    /** @type {Lane} */
    const down = { queue: [], held: [] };
    client.on('data', (c) => stream(up, upstream, c));
    upstream.on('data', (c) => stream(down, client, c));
    const close = () => {
      clearTimeout(up.timer);
      clearTimeout(down.timer);
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', close);
    }
  });
  return new Promise((resolve) => server.listen(route.listen, '0.0.0.0', () => resolve(server)));
}

await Promise.all(config.routes.map((r) => (r.proto === 'udp' ? udpRoute(r) : tcpRoute(r))));
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line);
  if (command.stats) {
    process.stdout.write(`${JSON.stringify(stats)}\n`);
    continue;
  }
  impairment = {
    loss: command.loss ?? 0,
    delayMs: command.delayMs ?? 0,
    jitterMs: command.jitterMs ?? 0,
  };
  for (const release of [...stalled]) release();
  process.stdout.write(`${JSON.stringify({ ok: true, ...impairment })}\n`);
}
// stdin closes when the test process goes away: nothing is left to command this relay.
process.exit(0);
