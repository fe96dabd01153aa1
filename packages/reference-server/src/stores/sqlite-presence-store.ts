import type { SqliteDatabase } from './sqlite';
import { MemoryConnections } from './memory-connections';
import type { PresenceStore, UserRecord } from './types';
import { userFromRow, type UserRow } from './user-rows';

/**
 * The user directory (name, role, lastSeen) in SQLite, so that "last seen 5 min ago" survives a
 * restart; connections and chosen statuses in process memory (they die with the process anyway).
 */
export class SqlitePresenceStore extends MemoryConnections implements PresenceStore {
  private readonly selectUser;
  private readonly upsertUser;
  private readonly touch;

  constructor(db: SqliteDatabase) {
    super();
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

  async getUser(tenant: string, userId: string): Promise<UserRecord | undefined> {
    const row = this.selectUser.get(tenant, userId);
    return row ? userFromRow(row) : undefined;
  }

  async saveUser(user: UserRecord): Promise<void> {
    this.upsertUser.run({ ...user });
  }

  async touchLastSeen(users: Array<{ tenant: string; userId: string }>, at: number): Promise<void> {
    this.touch(users, at);
  }
}
