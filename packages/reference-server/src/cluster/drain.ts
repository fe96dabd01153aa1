import type { Logger } from 'pino';
import type { CallNamespace } from '../socket/types';
import type { CallRegistry, PartySide } from '../stores/types';

/** `synapse.drain()`: how long to wait for this node's clients and calls to move. */
export interface DrainOptions {
  /**
   * Most time to wait for every client to leave and every call they carried to be taken over
   * elsewhere (or to end). Default: the reconnect grace plus 5 s, so that a call whose party
   * never comes back ends `disconnected` here, by this node's own grace timer, before it exits.
   */
  timeoutMs?: number;
}

/** What a drain did, for the log and for tests. */
export interface DrainResult {
  /** Connections this node had when the drain began; each was asked to reconnect. */
  clients: number;
  /** Call sides those connections carried. */
  calls: number;
  /** Of those, the ones carried by another connection (another node) or ended by the end. */
  moved: number;
  /** True when the deadline passed first. */
  timedOut: boolean;
  durationMs: number;
}

interface Carried {
  callId: string;
  side: PartySide;
  socketId: string;
}

const POLL_MS = 100;

/**
 * Moves this node's clients and calls to the other nodes before it stops (rolling restart). The
 * caller has already stopped new connections from arriving (the listener closed, or handshakes
 * refused). Each client's transport is closed, not the Socket.IO session: the client sees a
 * transport close and reconnects by itself — through the load balancer, to another node — and
 * its `sync` there takes its call over (`claimSocket`) without ringing again. Nothing new on the
 * wire: this is the path of any dropped connection.
 */
export async function drainConnections(deps: {
  namespace: CallNamespace;
  registry: CallRegistry;
  logger: Logger;
  timeoutMs: number;
}): Promise<DrainResult> {
  const { namespace, registry, logger, timeoutMs } = deps;
  const started = Date.now();
  const sockets = [...namespace.sockets.values()];
  const carried: Carried[] = [];
  for (const socket of sockets) {
    const { tenant, userId } = socket.data.identity;
    for (const record of await registry.forUser(tenant, userId)) {
      for (const side of ['caller', 'callee'] as const) {
        if (record.sockets[side] === socket.id) {
          carried.push({ callId: record.call.id, side, socketId: socket.id });
        }
      }
    }
  }
  logger.info({ clients: sockets.length, calls: carried.length }, 'draining: moving clients');
  for (const socket of sockets) socket.conn.close();

  const moved = async (c: Carried) => {
    const record = await registry.get(c.callId);
    const owner = record?.sockets[c.side];
    return !record || (owner !== null && owner !== c.socketId);
  };
  let settled = 0;
  const deadline = started + timeoutMs;
  for (;;) {
    settled = (await Promise.all(carried.map(moved))).filter(Boolean).length;
    if (namespace.sockets.size === 0 && settled === carried.length) break;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const result: DrainResult = {
    clients: sockets.length,
    calls: carried.length,
    moved: settled,
    timedOut: settled < carried.length || namespace.sockets.size > 0,
    durationMs: Date.now() - started,
  };
  logger.info(result, 'drained');
  return result;
}
