/**
 * The baseline: a bare Socket.IO server doing the least a signalling relay can do, so the bench
 * measures what Synapse adds on top of Socket.IO itself.
 * - `hello {name}`: registers the socket under a name (as the server maps users to sockets).
 * - `relay {to}` (acked): forwards `relayed` to the named socket — the ring.
 * - `done` (acked): the second round trip of a rung-then-cancelled call.
 * - `join {room}` (acked) / `fanout {room}` (acked): one event to every socket in a room — the
 *   presence fan-out floor.
 * Forked by procs.mjs; prints `listening URL`.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false });
const byName = new Map();

io.on('connection', (socket) => {
  socket.on('hello', ({ name }, ack) => {
    byName.set(name, socket.id);
    socket.once('disconnect', () => byName.delete(name));
    ack({ ok: true });
  });
  socket.on('relay', (payload, ack) => {
    const target = byName.get(payload.to);
    if (target) io.to(target).emit('relayed', payload);
    ack({ ok: true });
  });
  socket.on('done', (_payload, ack) => ack({ ok: true }));
  socket.on('join', ({ room }, ack) => {
    void socket.join(room);
    ack({ ok: true });
  });
  socket.on('fanout', ({ room, at }, ack) => {
    io.to(room).emit('fanned', { at });
    ack({ ok: true });
  });
});

http.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${http.address().port}`);
});
process.on('SIGTERM', () => {
  io.close();
  process.exit(0);
});
