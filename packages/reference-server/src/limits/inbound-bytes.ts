import type { Metrics } from '../metrics';

/** What a WebSocket transport exposes of its `ws` socket: flow control. */
interface Pausable {
  pause(): void;
  resume(): void;
}

/** The part of an Engine.IO connection used here (Socket.IO's `io.engine` emits them). */
interface EngineConnection {
  transport: unknown;
  on(event: 'data', listener: (data: string | Buffer) => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

interface Engine {
  on(event: 'connection', listener: (conn: EngineConnection) => void): unknown;
}

/**
 * Caps the bytes each connection may send per one-second window. Beyond it, the connection's
 * WebSocket stops being read until the window ends: TCP backpressure then holds the sender back,
 * so a client pushing frames as fast as it can (binary attachments, 64 KB frames of anything)
 * costs the server no more than this, whatever the frames hold. HTTP long-polling is left alone:
 * each of its requests is already bounded by the frame limit.
 */
export function limitInboundBytes(engine: Engine, bytesPerSecond: number, metrics: Metrics): void {
  engine.on('connection', (conn) => {
    let windowStart = performance.now();
    let bytes = 0;
    let paused: NodeJS.Timeout | undefined;
    conn.on('data', (data: string | Buffer) => {
      const now = performance.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        bytes = 0;
      }
      bytes += typeof data === 'string' ? data.length : data.byteLength;
      if (bytes <= bytesPerSecond || paused) return;
      const ws = websocketOf(conn);
      if (!ws) return;
      metrics.limitRefusals.inc({ limit: 'inbound-bytes' });
      ws.pause();
      paused = setTimeout(
        () => {
          paused = undefined;
          ws.resume();
        },
        Math.max(1000 - (now - windowStart), 1),
      );
    });
    conn.once('close', () => clearTimeout(paused));
  });
}

function websocketOf(conn: EngineConnection): Pausable | undefined {
  const socket = (conn.transport as { socket?: Partial<Pausable> } | undefined)?.socket;
  return typeof socket?.pause === 'function' && typeof socket.resume === 'function'
    ? (socket as Pausable)
    : undefined;
}
