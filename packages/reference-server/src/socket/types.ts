import type { Namespace, Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@synapse-calling/protocol';
import type { Identity } from '../auth';

/** Per-connection state Socket.IO keeps for us in `socket.data`. */
export interface SocketData {
  identity: Identity;
  /**
   * Users whose presence this connection subscribed to, in order, without repeats. An array
   * rather than a Set: a few hundred bytes less for each of thousands of idle connections.
   */
  subscriptions: readonly string[];
  /** Settles once the connection is registered in presence (on every node, with Redis). */
  registered: Promise<void>;
  /** The previous connection of the same client, which this one replaces (handshake `replaces`). */
  replaces?: string;
}

/** Between the nodes of a cluster (Socket.IO's `serverSideEmit`), never seen by clients. */
export interface InterServerEvents {
  /** Close the transports of this user's connections on your node, so that they sync again. */
  'synapse:resync': (tenant: string, userId: string) => void;
}

export type CallNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export type CallSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

/** The Socket.IO server, typed over the events of its `/call` namespace. */
export type CallServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
