import type { SqliteDatabase } from './sqlite';
import { userKey } from './keys';
import type { ConnectionEntry, ManualStatus, PresenceStore, UserRecord } from './types';

/**
 * The user directory (name, role, lastSeen) in SQLite, so that "last seen 5 min ago" survives a
 * restart; connections and chosen statuses in process memory (they die with the process anyway).
 */
export class SqlitePresenceStore implements PresenceStore {
  private readonly conns = new Map<string, Map<string, ConnectionEntry>>();
  private readonly manual = new Map<string, Exclude<ManualStatus, null>>();
  private readonly selectUser;
  private readonly upsertUser;
  private readonly touch;

  constructor(db: SqliteDatabase) {
    const touchOne = db.prepare<[number, string, string]>(
      'UPDATE users SET last_seen = ? WHERE tenant = ? AND user_id = ?',
    );
    // One transaction for the batch: one commit instead of one per user.
    this.touch = db.transaction((users: Array<{ tenant: string; userId: string }>, at: number) => {
      for (const { tenant, userId } of users) touchOne.run(at, tenant, userId);
    });
    this.selectUser = db.prepare<[string, string], UserRow>(
      'SELECT * FROM users WHERE tenant = ? AND user_id = ?',
    );
    this.upsertUser = db.prepare(`
      INSERT INTO users (tenant, user_id, name, role, last_seen)
      VALUES (@tenant, @userId, @name, @role, @lastSeen)
      ON CONFLICT (tenant, user_id) DO UPDATE SET name = excluded.name, role = excluded.role,
        last_seen = COALESCE(excluded.last_seen, users.last_seen)`);
  }

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

  async getUser(tenant: string, userId: string): Promise<UserRecord | undefined> {
    const row = this.selectUser.get(tenant, userId);
    return row
      ? {
          tenant: row.tenant,
          userId: row.user_id,
          name: row.name,
          role: row.role,
          lastSeen: row.last_seen,
        }
      : undefined;
  }

  async saveUser(user: UserRecord): Promise<void> {
    this.upsertUser.run({ ...user });
  }

  async touchLastSeen(users: Array<{ tenant: string; userId: string }>, at: number): Promise<void> {
    this.touch(users, at);
  }
}

interface UserRow {
  tenant: string;
  user_id: string;
  name: string;
  role: UserRecord['role'];
  last_seen: number | null;
}
