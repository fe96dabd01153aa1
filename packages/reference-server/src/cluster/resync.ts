import { sideOf } from '../calls/sides';
import type { CallNamespace } from '../socket/types';
import type { CallRegistry } from '../stores/types';

/**
 * After a crash, a user's client reconnects to another node within a second, long before the
 * dead node is noticed, so its `sync` finds the call still carried by the old connection and
 * cannot take it over. When the sweep later releases that call, this makes the user's live
 * connections (on any node) sync again: their transports are closed, they reconnect by themselves
 * and take the call over — the path of any dropped connection, nothing new on the wire.
 */
export function createResync(namespace: CallNamespace, registry: CallRegistry) {
  const closeLocal = (tenant: string, userId: string) => {
    for (const socket of namespace.sockets.values()) {
      const { identity } = socket.data;
      if (identity?.tenant === tenant && identity.userId === userId) socket.conn.close();
    }
  };
  namespace.on('synapse:resync', closeLocal);

  /** Asks the user's connections to sync again if one of their calls is carried by none. */
  return async (tenant: string, userId: string): Promise<void> => {
    const orphaned = (await registry.forUser(tenant, userId)).some((record) => {
      const side = sideOf(record, userId);
      // A ringing call's callee side is carried by no connection until it accepts.
      return (
        side !== undefined &&
        record.sockets[side] === null &&
        (record.call.state === 'active' || side === 'caller')
      );
    });
    if (!orphaned) return;
    closeLocal(tenant, userId);
    namespace.serverSideEmit('synapse:resync', tenant, userId);
  };
}
