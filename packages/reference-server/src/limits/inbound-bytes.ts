import type { Metrics } from '../metrics';

/** What a WebSocket transport exposes of its `ws` socket: flow control. */
interface Pausable {
  pause(): void;
  resume(): void;
  terminate(): void;
}

/** The part of an Engine.IO connection used here (Socket.IO's `io.engine` emits them). */
interface EngineConnection {
  transport: unknown;
  on(event: 'data', listener: (data: string | Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

interface Engine {
  on(event: 'connection', listener: (conn: EngineConnection) => void): unknown;
}

/**
 * Caps the bytes each connection may send per second, as a bucket of bytes: it holds a quarter of
 * a second's worth (one frame of the largest size, with the default), refills continuously, and
 * goes into debt by whatever the read that emptied it still held. In debt, the connection's WebSocket stops being read until the
 * debt is paid back: TCP backpressure then holds the sender back, so a client pushing frames as
 * fast as it can (binary attachments, 64 KB frames of anything, floods of tiny events) costs the
 * server no more than this, whatever the frames hold. Each resume reads about one socket read
 * (64 KB) before the connection is in debt again, so resuming a flooder never blocks for long.
 * HTTP long-polling is left alone: each of its requests is bounded by the frame limit.
 */
export function limitInboundBytes(engine: Engine, bytesPerSecond: number, metrics: Metrics): void {
  const capacity = bytesPerSecond / 4;
  engine.on('connection', (conn) => {
    let available = capacity;
    let last = performance.now();
    let paused: { timer: NodeJS.Timeout; ws: Pausable } | undefined;
    conn.on('data', (data: string | Buffer) => {
      const now = performance.now();
      available = Math.min(capacity, available + ((now - last) / 1000) * bytesPerSecond);
      last = now;
      available -= typeof data === 'string' ? data.length : data.byteLength;
      if (available >= 0 || paused) return;
      const ws = websocketOf(conn);
      if (!ws) return;
      metrics.limitRefusals.inc({ limit: 'inbound-bytes' });
      ws.pause();
      const timer = setTimeout(
        () => {
          paused = undefined;
          ws.resume();
        },
        Math.ceil((-available / bytesPerSecond) * 1000),
      );
      paused = { timer, ws };
    });
    // `on`, not `once`: a connection closes once, and `once` adds a wrapper per connection.
    conn.on('close', () => {
      if (!paused) return;
      clearTimeout(paused.timer);
      // A paused socket would never read the client's answer to the closing handshake, and ws
      // would hold it for its 30 s close timeout; what it still had to say does not matter now.
      paused.ws.terminate();
    });
  });
}

function websocketOf(conn: EngineConnection): Pausable | undefined {
  const socket = (conn.transport as { socket?: Partial<Pausable> } | undefined)?.socket;
  return typeof socket?.pause === 'function' &&
    typeof socket.resume === 'function' &&
    typeof socket.terminate === 'function'
    ? (socket as Pausable)
    : undefined;
}
