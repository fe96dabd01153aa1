/**
 * A load generator: Socket.IO clients in their own process (forked by the bench, driven over
 * IPC), so the clients' CPU never counts against the server under test. Every command answers
 * with one message `{ id, result }` or `{ id, error }`.
 *
 * Commands: `connect` (users, each with the ids it watches), `pairs` (caller i rings callee i
 * and cancels, paced under the rate limit, returning `initiate-call` sent → `incoming-call`
 * received in ms), `trigger` (one client changes presence / fans out; returns the send time),
 * `received` (receive times of fanned-out events since the last call), `close`.
 */
import { SignJWT } from 'jose';
import { io } from 'socket.io-client';

const BATCH = 100;
const CONNECT_MS = 60_000;
const now = () => performance.timeOrigin + performance.now();
const clients = [];
let kind = 'synapse';
let received = [];

async function token(sub, secret) {
  return new SignJWT({ tenant: 'bench', role: 'agent' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(secret));
}

function open(url, auth) {
  return new Promise((resolve, reject) => {
    const socket = io(url, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    // Without reconnection, a transport closed before the namespace connected (e.g. the server's
    // handshake timeout on a starved machine) emits neither of these: fail instead of hanging.
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no connection to ${url} within ${CONNECT_MS} ms`));
    }, CONNECT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

async function ack(socket, event, payload) {
  const reply = await socket.timeout(30_000).emitWithAck(event, payload);
  if (reply && reply.ok === false) throw new Error(`${event}: ${reply.error?.message}`);
  return reply;
}

async function connectOne(url, secret, user) {
  if (kind === 'synapse') {
    const socket = await open(`${url}/call`, { token: await token(user.name, secret) });
    if (user.watch?.length) await ack(socket, 'subscribe-presence', { userIds: user.watch });
    socket.on('presence-changed', () => received.push(now()));
    return socket;
  }
  const socket = await open(url, {});
  await ack(socket, 'hello', { name: user.name });
  for (const room of user.rooms ?? []) await ack(socket, 'join', { room });
  socket.on('fanned', () => received.push(now()));
  return socket;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One paced caller: ring, wait for the callee's event, cancel; `calls` times. */
async function ringLoop(caller, callee, calleeName, calls, intervalMs) {
  const samples = [];
  for (let i = 0; i < calls; i++) {
    const started = now();
    const event = kind === 'synapse' ? 'incoming-call' : 'relayed';
    const rang = new Promise((resolve) => callee.once(event, () => resolve(now())));
    const sentAt = now();
    if (kind === 'synapse') {
      const reply = await ack(caller, 'initiate-call', { to: calleeName });
      samples.push((await rang) - sentAt);
      await ack(caller, 'end-call', { callId: reply.call.id });
    } else {
      await ack(caller, 'relay', { to: calleeName });
      samples.push((await rang) - sentAt);
      await ack(caller, 'done', {});
    }
    // Pacing keeps each socket under the server's per-connection rate limit (20/s, burst 40).
    await sleep(Math.max(0, intervalMs - (now() - started)));
  }
  return samples;
}

const commands = {
  async connect({ url, secret, kind: k, users }) {
    kind = k;
    for (let i = 0; i < users.length; i += BATCH) {
      const batch = users.slice(i, i + BATCH);
      clients.push(...(await Promise.all(batch.map((u) => connectOne(url, secret, u)))));
    }
    return { connected: clients.length };
  },
  async pairs({ names, calls, intervalMs }) {
    const loops = [];
    for (let i = 0; i + 1 < clients.length; i += 2) {
      // Spread the pairs' start over one interval, as independent users would be.
      const delay = (intervalMs * i) / clients.length;
      loops.push(
        sleep(delay).then(() =>
          ringLoop(clients[i], clients[i + 1], names[i + 1], calls, intervalMs),
        ),
      );
    }
    return { latencies: (await Promise.all(loops)).flat() };
  },
  async trigger({ index, status, room }) {
    const at = now();
    if (kind === 'synapse') await ack(clients[index], 'set-status', { status });
    else await ack(clients[index], 'fanout', { room, at });
    return { at };
  },
  async received() {
    const out = received;
    received = [];
    return { times: out };
  },
  async close() {
    for (const c of clients) c.close();
    clients.length = 0;
    return {};
  },
};

process.on('message', async ({ id, cmd, args }) => {
  try {
    process.send({ id, result: await commands[cmd](args ?? {}) });
  } catch (err) {
    process.send({ id, error: String(err?.stack ?? err) });
  }
});
