import type { UserRecord } from './types';

/** One row of the user directory as the SQL stores (SQLite, PostgreSQL) read it. */
export interface UserRow {
  tenant: string;
  user_id: string;
  name: string;
  role: UserRecord['role'];
  last_seen: number | null;
}

export function userFromRow(row: UserRow): UserRecord {
  return {
    tenant: row.tenant,
    userId: row.user_id,
    name: row.name,
    role: row.role,
    lastSeen: row.last_seen,
  };
}
