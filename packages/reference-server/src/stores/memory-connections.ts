import { userKey } from './keys';
import type { ConnectionEntry, ConnectionStore, ManualStatus } from './types';

/**
 * Connections and chosen statuses in process memory, for a single node (they die with the
 * process anyway). The user directory is kept elsewhere (SQLite, PostgreSQL).
 */
export class MemoryConnections implements ConnectionStore {
  /** Per user, in an array: a user has a few connections at most, and a Map costs more. */
  private readonly conns = new Map<string, ConnectionEntry[]>();
  private readonly manual = new Map<string, Exclude<ManualStatus, null>>();

  async addConnection(entry: ConnectionEntry): Promise<void> {
    const key = userKey(entry.tenant, entry.userId);
    const others = this.conns.get(key)?.filter((c) => c.socketId !== entry.socketId) ?? [];
    // `concat` allocates exactly what the list holds; `push` would leave room for 16 more.
    this.conns.set(key, others.concat({ ...entry }));
  }

  async removeConnection(tenant: string, userId: string, socketId: string): Promise<number> {
    const key = userKey(tenant, userId);
    const list = this.conns.get(key)?.filter((c) => c.socketId !== socketId);
    if (!list) return 0;
    if (list.length === 0) this.conns.delete(key);
    else this.conns.set(key, list);
    return list.length;
  }

  async connections(tenant: string, userId: string): Promise<ConnectionEntry[]> {
    return (this.conns.get(userKey(tenant, userId)) ?? []).map((c) => ({ ...c }));
  }

  async setIdle(tenant: string, userId: string, socketId: string, idle: boolean): Promise<void> {
    const entry = this.conns.get(userKey(tenant, userId))?.find((c) => c.socketId === socketId);
    if (entry) entry.idle = idle;
  }

  async getManualStatus(tenant: string, userId: string): Promise<ManualStatus> {
    return this.manual.get(userKey(tenant, userId)) ?? null;
  }

  async setManualStatus(tenant: string, userId: string, status: ManualStatus): Promise<void> {
    const key = userKey(tenant, userId);
    if (status) this.manual.set(key, status);
    else this.manual.delete(key);
  }
}
