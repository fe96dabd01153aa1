import type { Logger } from 'pino';
import type { Presence } from '@synapse-calling/protocol';
import type { Identity } from '../auth';
import type { PresenceManager } from '../presence/presence-manager';
import { partyOf, type Visibility } from '../presence/visibility';
import { pendingPresenceRoom, presenceRoom } from '../stores/keys';
import type { CallNamespace, CallSocket } from './types';

export interface PresenceWatchDeps {
  nsp: CallNamespace;
  presence: Pick<PresenceManager, 'snapshotFor' | 'current'>;
  visibility: Pick<Visibility, 'canSee'>;
  logger: Logger;
}

/**
 * Which presence rooms a connection is in. A connection joins the room of a user it may see (and
 * then gets every change); an id it may not see gets no room, so no change of that user ever
 * reaches it. An id nobody has used yet cannot be judged: the connection waits in a pending room
 * until the user first connects (`appeared`).
 */
export class PresenceWatch {
  constructor(private readonly deps: PresenceWatchDeps) {}

  /** Joins the rooms for `fresh` ids and answers with the snapshot of every id in `userIds`. */
  async subscribe(socket: CallSocket, fresh: string[], userIds: string[]): Promise<Presence[]> {
    const { identity } = socket.data;
    const { tenant } = identity;
    // Pending first, judged after: a user who first appears in between finds this connection
    // waiting (`appeared` reads the room after saving the user; we read the user after joining).
    await socket.join(fresh.map((id) => pendingPresenceRoom(tenant, id)));
    const { presence, sights } = await this.deps.presence.snapshotFor(identity, userIds);
    for (const id of fresh) {
      const sight = sights.get(id);
      if (sight === 'unknown') continue;
      await socket.leave(pendingPresenceRoom(tenant, id));
      if (sight === 'visible') await socket.join(presenceRoom(tenant, id));
    }
    return presence;
  }

  async unsubscribe(socket: CallSocket, userIds: string[]): Promise<void> {
    const { tenant } = socket.data.identity;
    for (const id of userIds) {
      await socket.leave(presenceRoom(tenant, id));
      await socket.leave(pendingPresenceRoom(tenant, id));
    }
  }

  /** The first connection of a user ever: the connections waiting for that id are judged now. */
  async appeared(user: Identity): Promise<void> {
    const { tenant, userId } = user;
    const pending = pendingPresenceRoom(tenant, userId);
    // Every node's connections (through the adapter in Redis mode); rare, so the cost is fine.
    const waiting = await this.deps.nsp.in(pending).fetchSockets();
    if (waiting.length === 0) return;
    const target = partyOf(user);
    for (const socket of waiting) {
      socket.leave(pending);
      const watcher = socket.data.identity;
      if (!(await this.deps.visibility.canSee(partyOf(watcher), target))) continue;
      socket.join(presenceRoom(tenant, userId));
      // Joined after the user's first change was published: tell it now. A change published in
      // between arrives twice, which a subscriber takes as no change.
      socket.emit('presence-changed', {
        presence: await this.deps.presence.current(tenant, userId),
      });
    }
  }
}
