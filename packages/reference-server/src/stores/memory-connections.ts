import { userKey } from './keys';
import type { ConnectionEntry, ConnectionStore, ManualStatus } from './types';

/**
 * Connections and chosen statuses in process memory, for a single node (they die with the
 * process anyway). The user directory is kept elsewhere (SQLite, PostgreSQL).
 */
export class MemoryConnections implements ConnectionStore {
  private readonly conns = new Map<string, Map<string, ConnectionEntry>>();
  private readonly manual = new Map<string, Exclude<ManualStatus, null>>();

  async addConnection(entry: ConnectionEntry): Promise<void> {
    const key = userKey(entry.tenant, entry.userId);
    let map = this.conns.get(key);
    if (!map) this.conns.set(key, (map = new Map()));
    map.set(entry.socketId, { ...entry });
  }

  async removeConnection(tenant: string, userId: string, socketId: string): Promise<number> {
    const key = userKey(tenant, userId);
    const map = this.conns.get(key);
    if (!map) return 0;
    map.delete(socketId);
    if (map.size === 0) this.conns.delete(key);
    return map.size;
  }

  async connections(tenant: string, userId: string): Promise<ConnectionEntry[]> {
    return [...(this.conns.get(userKey(tenant, userId))?.values() ?? [])].map((c) => ({ ...c }));
  }

  async setIdle(tenant: string, userId: string, socketId: string, idle: boolean): Promise<void> {
    const entry = this.conns.get(userKey(tenant, userId))?.get(socketId);
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
