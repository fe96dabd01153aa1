import type { BroadcastOperator } from 'socket.io';
import type {
  ServerEventName,
  ServerEventPayload,
  ServerToClientEvents,
} from '@synapse-calling/protocol';
import type { CallEmitter } from '../calls/call-events';
import type { PresenceEmitter } from '../presence/presence-manager';
import { presenceRoom, userRoom } from '../stores/keys';
import type { CallNamespace, SocketData } from './types';

/** What `nsp.to(room)` gives, over our server→client events. */
type Broadcast = BroadcastOperator<ServerToClientEvents, SocketData>;

/**
 * Socket.IO types `emit`'s arguments as the listener's whole parameter list
 * (`EventParams<EmitEvents, Ev>`), which TypeScript cannot match to one payload of a generic
 * event. Every server event of ours takes exactly one payload; assigning a `Broadcast` to this
 * shape has the compiler check that, for every event, once.
 */
interface OnePayloadBroadcast {
  emit<E extends ServerEventName>(event: E, payload: ServerEventPayload<E>): boolean;
}

/** Connections held by other nodes (with Redis); this node's are in the namespace. */
export interface RemoteSockets {
  socketAlive(socketId: string): Promise<boolean>;
}

/**
 * The managers' way out to the clients: rooms of the `/call` namespace (a user's connections, a
 * user's presence subscribers, one connection), which reach every node through the adapter.
 */
export function namespaceEmitter(
  nsp: CallNamespace,
  remote?: RemoteSockets,
  isClosing: () => boolean = () => false,
): CallEmitter & PresenceEmitter {
  // Work still in flight when the server closes must not broadcast: with Redis, the adapter
  // publishes without handling the rejection a closed connection gives, which would crash the
  // process during its graceful shutdown. Nobody is connected to receive it anyway.
  const send = <E extends ServerEventName>(
    to: Broadcast,
    event: E,
    payload: ServerEventPayload<E>,
  ): void => {
    if (!isClosing()) emit(to, event, payload);
  };
  return {
    toUser(tenant, userId, event, payload, exceptSocketId) {
      const room: Broadcast = nsp.to(userRoom(tenant, userId));
      send(exceptSocketId ? room.except(exceptSocketId) : room, event, payload);
    },
    toSocket(socketId, event, payload) {
      send(nsp.to(socketId), event, payload);
    },
    toSubscribers(tenant, userId, event, payload) {
      send(nsp.to(presenceRoom(tenant, userId)), event, payload);
    },
    isConnected: (socketId) =>
      nsp.sockets.has(socketId) || (remote?.socketAlive(socketId) ?? false),
  };
}

function emit<E extends ServerEventName>(
  to: Broadcast,
  event: E,
  payload: ServerEventPayload<E>,
): void {
  const target: OnePayloadBroadcast = to;
  target.emit(event, payload);
}
