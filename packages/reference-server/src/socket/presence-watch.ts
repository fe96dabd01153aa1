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
  visibility: Pick<Visibility, 'canSee' | 'sights'>;
  logger: Logger;
}

/**
 * Which presence rooms a connection is in. A connection joins the room of a user it may see (and
 * then gets every change); an id it may not see gets no room, so no change of that user ever
 * reaches it. An id nobody has used yet cannot be judged: the connection waits in a pending room
 * until the user first appears (`appeared`).
 */
export class PresenceWatch {
  /**
   * One string per room in use: Socket.IO keeps each connection's rooms in a set of its own, and
   * without this every watcher of a user would hold its own copy of the room's name.
   */
  private readonly roomNames = new Map<string, string>();

  constructor(private readonly deps: PresenceWatchDeps) {
    deps.nsp.adapter.on('delete-room', (room: string) => this.roomNames.delete(room));
  }

  /**
   * Joins the rooms for `fresh` ids and answers with the snapshot of every id in `userIds`. The
   * rooms are joined before the snapshot is read, so no change can fall between the two.
   */
  async subscribe(socket: CallSocket, fresh: string[], userIds: string[]): Promise<Presence[]> {
    const { identity } = socket.data;
    const { tenant } = identity;
    const sights = await this.deps.visibility.sights(identity, fresh);
    const unknown = fresh.filter((id) => sights.get(id) === 'unknown');
    if (unknown.length > 0) {
      // Pending first, judged again after: a user who first appears in between finds this
      // connection waiting (`appeared` reads the room after saving the user; we read the user
      // after joining).
      await socket.join(unknown.map((id) => this.room(pendingPresenceRoom(tenant, id))));
      for (const [id, sight] of await this.deps.visibility.sights(identity, unknown)) {
        if (sight === 'unknown') continue;
        sights.set(id, sight);
        await socket.leave(pendingPresenceRoom(tenant, id));
      }
    }
    // One join for all (rather than one per id) keeps the connection's set of rooms compact.
    const visible = fresh.filter((id) => sights.get(id) === 'visible');
    await socket.join(visible.map((id) => this.room(presenceRoom(tenant, id))));
    return (await this.deps.presence.snapshotFor(identity, userIds, sights)).presence;
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
      socket.join(this.room(presenceRoom(tenant, userId)));
      // Joined after the user's first change was published: tell it now. A change published in
      // between arrives twice, which a subscriber takes as no change.
      socket.emit('presence-changed', {
        presence: await this.deps.presence.current(tenant, userId),
      });
    }
  }

  /** The room's name as already held by the adapter, if the room exists. */
  private room(name: string): string {
    const held = this.roomNames.get(name);
    if (held !== undefined) return held;
    this.roomNames.set(name, name);
    return name;
  }
}
