import type {
  ConnectionEntry,
  ConnectionStore,
  ManualStatus,
  PresenceStore,
  UserDirectory,
  UserRecord,
} from './types';

/**
 * A presence store made of two: connections from one store (process memory, or Redis shared by
 * the nodes) and the user directory from a database (PostgreSQL), so that lastSeen lives with the
 * call log instead of in Redis.
 */
export class SplitPresenceStore implements PresenceStore {
  constructor(
    private readonly live: ConnectionStore,
    private readonly users: UserDirectory,
  ) {}

  addConnection(entry: ConnectionEntry): Promise<void> {
    return this.live.addConnection(entry);
  }

  removeConnection(tenant: string, userId: string, socketId: string): Promise<number> {
    return this.live.removeConnection(tenant, userId, socketId);
  }

  connections(tenant: string, userId: string): Promise<ConnectionEntry[]> {
    return this.live.connections(tenant, userId);
  }

  setIdle(tenant: string, userId: string, socketId: string, idle: boolean): Promise<void> {
    return this.live.setIdle(tenant, userId, socketId, idle);
  }

  getManualStatus(tenant: string, userId: string): Promise<ManualStatus> {
    return this.live.getManualStatus(tenant, userId);
  }

  setManualStatus(tenant: string, userId: string, status: ManualStatus): Promise<void> {
    return this.live.setManualStatus(tenant, userId, status);
  }

  getUser(tenant: string, userId: string): Promise<UserRecord | undefined> {
    return this.users.getUser(tenant, userId);
  }

  saveUser(user: UserRecord): Promise<void> {
    return this.users.saveUser(user);
  }

  touchLastSeen(users: Array<{ tenant: string; userId: string }>, at: number): Promise<void> {
    return this.users.touchLastSeen(users, at);
  }
}
