import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** File name of the database inside the data dir. */
export const DATABASE_FILE = 'synapse.sqlite';

/**
 * Opens (and migrates) the embedded database: `:memory:` for tests, otherwise
 * `<dataDir>/synapse.sqlite` in WAL mode so that readers never wait for the writer.
 *
 * @example
 * // the embedded call log, read outside a running server (e.g. a nightly export)
 * const db = openDatabase('/var/lib/synapse');
 * const log = new SqliteCallLog(db);
 * const { entries } = await log.listForUser('acme', 'alice', { limit: 100 });
 * db.close();
 */
export function openDatabase(dataDir: string): SqliteDatabase {
  let db: SqliteDatabase;
  if (dataDir === ':memory:') {
    db = new Database(':memory:');
  } else {
    mkdirSync(dataDir, { recursive: true });
    db = new Database(join(dataDir, DATABASE_FILE));
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL is durable across process crashes (only an OS crash can lose the last commit).
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: SqliteDatabase): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < 1) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS calls (
        id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        from_id TEXT NOT NULL,
        from_name TEXT NOT NULL,
        from_role TEXT NOT NULL,
        to_id TEXT NOT NULL,
        to_name TEXT NOT NULL,
        to_role TEXT NOT NULL,
        state TEXT NOT NULL,
        media TEXT NOT NULL,
        room TEXT,
        created_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER,
        duration_ms INTEGER,
        end_reason TEXT,
        ended_by TEXT,
        metadata TEXT
      );
      CREATE INDEX IF NOT EXISTS calls_from ON calls (tenant, from_id, created_at DESC);
      CREATE INDEX IF NOT EXISTS calls_to ON calls (tenant, to_id, created_at DESC);
      CREATE INDEX IF NOT EXISTS calls_unfinished ON calls (state) WHERE state != 'ended';
      CREATE TABLE IF NOT EXISTS users (
        tenant TEXT NOT NULL,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        last_seen INTEGER,
        PRIMARY KEY (tenant, user_id)
      );
      PRAGMA user_version = 1;
    `);
  }
}
