import type { Pool } from 'pg';
import type { UserDirectory, UserRecord } from '../types';
import { userFromRow, type UserRow } from '../user-rows';

/** Name, role and lastSeen of every user in PostgreSQL (connections live elsewhere). */
export class PostgresUserDirectory implements UserDirectory {
  constructor(private readonly pool: Pool) {}

  async getUser(tenant: string, userId: string): Promise<UserRecord | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      'SELECT * FROM synapse_users WHERE tenant = $1 AND user_id = $2',
      [tenant, userId],
    );
    return rows[0] ? userFromRow(rows[0]) : undefined;
  }

  async saveUser(user: UserRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO synapse_users (tenant, user_id, name, role, last_seen)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant, user_id) DO UPDATE SET name = excluded.name, role = excluded.role,
         last_seen = COALESCE(excluded.last_seen, synapse_users.last_seen)`,
      [user.tenant, user.userId, user.name, user.role, user.lastSeen],
    );
  }

  async touchLastSeen(users: Array<{ tenant: string; userId: string }>, at: number): Promise<void> {
    if (users.length === 0) return;
    // One statement for the batch, however many users are online.
    await this.pool.query(
      `UPDATE synapse_users AS u SET last_seen = $1
       FROM unnest($2::text[], $3::text[]) AS t(tenant, user_id)
       WHERE u.tenant = t.tenant AND u.user_id = t.user_id`,
      [at, users.map((u) => u.tenant), users.map((u) => u.userId)],
    );
  }
}
