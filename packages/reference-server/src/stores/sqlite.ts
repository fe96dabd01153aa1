import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** File name of the database inside the data dir. */
export const DATABASE_FILE = 'synapse.sqlite';

/** Size the write-ahead log is cut back to after a checkpoint. */
const WAL_SIZE_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * Folds the write-ahead log into the database and truncates it to zero bytes. Cheap when there is
 * little to fold; a no-op for `:memory:`. Run periodically by the server.
 */
export function checkpoint(db: SqliteDatabase): void {
  if (db.memory) return;
  db.pragma('wal_checkpoint(TRUNCATE)');
}

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
    // SQLite reuses the write-ahead log after a checkpoint but never shrinks it by itself: a burst
    // of writes would leave a file that large for good. The server also truncates it on a timer.
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
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
  if (version < 2) {
    db.exec(`
      -- Call log retention deletes ended calls by age without scanning the table.
      CREATE INDEX IF NOT EXISTS calls_ended_at ON calls (ended_at) WHERE state = 'ended';
      PRAGMA user_version = 2;
    `);
  }
  if (version < 3) {
    db.exec(`
      -- The line a call was placed to (docs/lines.md); null for calls to a user.
      ALTER TABLE calls ADD COLUMN line TEXT;
      PRAGMA user_version = 3;
    `);
  }
  if (version < 4) {
    db.exec(`
      -- JSON of the legs of a transferred call (docs/lines.md); null for others.
      ALTER TABLE calls ADD COLUMN legs TEXT;
      PRAGMA user_version = 4;
    `);
  }
  if (version < 5) {
    db.exec(`
      -- Everyone who held a side of a transferred call (its legs), so the agent who handed it
      -- over still finds it in their history; from_id/to_id name only the last.
      CREATE TABLE IF NOT EXISTS call_parties (
        tenant TEXT NOT NULL,
        user_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        PRIMARY KEY (tenant, user_id, call_id)
      );
      INSERT OR IGNORE INTO call_parties (tenant, user_id, call_id)
        SELECT calls.tenant, json_extract(leg.value, '$.party.id'), calls.id
        FROM calls, json_each(calls.legs) AS leg WHERE calls.legs IS NOT NULL;
      PRAGMA user_version = 5;
    `);
  }
}
