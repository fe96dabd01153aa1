#!/usr/bin/env node
/**
 * A hostile client in a process of its own, so that its CPU (building, masking and sending
 * frames) does not slow down the measurements of the process that watches a bystander.
 *
 *   node hostile-client.mjs ATTACK URL TOKEN [RATE] [CONNECTIONS]
 *
 * Runs ATTACK from CONNECTIONS connections or loops (default 2) against the server at URL, as
 * fast as the server lets it, or RATE events a second per connection when RATE is given (0: as
 * fast as it can), until it gets SIGTERM; then prints one JSON line counting what the server
 * answered. Loopback only: meant for tests and
 * the measurement script, never for someone else's server.
 */
import http from 'node:http';
import { Manager } from 'socket.io-client';
import { connectCall } from './call-client.mjs';

const [, , attack, url, token, rateArg, connectionsArg] = process.argv;
const rate = Number(rateArg) || undefined;
const parallel = Number(connectionsArg) || 2;
const outcomes = {};
const count = (outcome) => (outcomes[outcome] = (outcomes[outcome] ?? 0) + 1);
let stopping = false;

process.on('SIGTERM', () => {
  stopping = true;
  process.stdout.write(`${JSON.stringify({ attack, outcomes })}\n`);
  process.exit(0);
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function connect() {
  const { socket, code } = await connectCall(url, token);
  if (code) count(`connect_error:${code}`);
  return socket;
}

function outcomeOf(ack) {
  return ack?.ok ? 'ok' : (ack?.error?.code ?? 'no-ack');
}

/** Keeps `inFlight` events outstanding on the socket, or sends `rate` a second. */
async function pump(socket, send, inFlight) {
  const once = () =>
    send()
      .then((ack) => count(outcomeOf(ack)))
      .catch(() => count('timeout'));
  if (rate) {
    while (!stopping && socket.connected) {
      void once();
      await sleep(1000 / rate);
    }
    return;
  }
  const lanes = Array.from({ length: inFlight }, async () => {
    while (!stopping && socket.connected) await once();
  });
  await Promise.all(lanes);
}

/** One GET; resolves with the status (or 'error'), the body read and dropped. */
function get(target, options) {
  return new Promise((resolve) => {
    const req = http.get(target, options, (res) => {
      res.resume();
      res.once('end', () => resolve(String(res.statusCode)));
    });
    req.once('error', () => resolve('error'));
  });
}

const emit = (socket, event, payload) => socket.timeout(10_000).emitWithAck(event, payload);

/** A `/call` event frame written by hand, answered through the client's own ack table. */
function rawFrame(socket, event, json) {
  const id = socket.ids++;
  const acked = new Promise((resolve) => (socket.acks[id] = resolve));
  socket.io.engine.send(`2/call,${id}[${JSON.stringify(event)},${json}]`);
  return Promise.race([acked, sleep(10_000).then(() => undefined)]);
}

const deep = `{"to":"nobody","metadata":{"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}}`;
const attachments = () => Array.from({ length: 10 }, () => Buffer.alloc(60_000, 7));

async function hostileConnections(run) {
  const sockets = await Promise.all(Array.from({ length: parallel }, () => connect()));
  await Promise.all(sockets.filter(Boolean).map(run));
}

/** `parallel` copies of `loop`, for attacks that are not about one connection. */
const loops = (loop) => Promise.all(Array.from({ length: parallel }, loop));

const attacks = {
  /** Heartbeats, as many as the server acks. */
  flood: () => hostileConnections((s) => pump(s, () => emit(s, 'heartbeat', {}), 50)),
  /** Calls carrying ten attachments of 60 KB each (about 600 KB an event). */
  binary: () =>
    hostileConnections((s) =>
      pump(s, () => emit(s, 'initiate-call', { to: 'nobody', metadata: { f: attachments() } }), 4),
    ),
  /** Call metadata nested 30,000 levels deep (60 KB frames). */
  deep: () => hostileConnections((s) => pump(s, () => rawFrame(s, 'initiate-call', deep), 10)),
  /** More connections of one user than the cap allows, opened again and again. */
  connections: async () => {
    const loop = async () => {
      while (!stopping) {
        const socket = await connect();
        if (socket) count('connected');
        else await sleep(5);
      }
    };
    await loops(loop);
  },
  /** Connections that never authenticate, held open. */
  unauthenticated: async () => {
    const loop = async () => {
      while (!stopping) {
        const manager = new Manager(url, {
          transports: ['websocket'],
          reconnection: false,
          autoConnect: false,
        });
        const opened = await new Promise((resolve) => manager.open((err) => resolve(!err)));
        count(opened ? 'opened' : 'refused');
        if (!opened) await sleep(5);
      }
    };
    await loops(loop);
  },
  /** The REST API over one keep-alive connection per loop, with the user's token or forged ones. */
  rest: async () => {
    const loop = async (_, i) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const authorization = i % 2 ? 'Bearer forged.token.value' : `Bearer ${token}`;
      while (!stopping) count(await get(`${url}/api/calls`, { agent, headers: { authorization } }));
    };
    await loops(loop);
  },
};

if (!attacks[attack]) {
  process.stderr.write(`unknown attack ${attack}; one of ${Object.keys(attacks).join(', ')}\n`);
  process.exit(2);
}
await attacks[attack]();
// Every connection was refused or dropped: wait to be stopped, like a client that keeps trying.
while (!stopping) await sleep(100);
