import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { MIGRATIONS, type Migration } from './migrations';

/**
 * Key of the session advisory lock held while migrating. Any constant works as long as nothing
 * else in the database uses it; this one is "SYNA" in ASCII.
 */
export const MIGRATION_LOCK_KEY = 0x53594e41;

/**
 * Applies the migrations the database has not run yet, each in its own transaction, and returns
 * the versions it applied. Safe when several nodes start at once: they queue on an advisory lock,
 * and each reads what is applied only once it holds the lock, so every step runs exactly once.
 * Versions the database has but this code does not know (a newer node ran them during a rolling
 * upgrade) are left alone: migrations only add.
 */
export async function migrate(
  pool: Pool,
  logger: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  checkOrder(migrations);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`
        CREATE TABLE IF NOT EXISTS synapse_migrations (
          version INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )`);
      const { rows } = await client.query<{ version: number }>(
        'SELECT version FROM synapse_migrations',
      );
      const applied = new Set(rows.map((r) => r.version));
      const ran: number[] = [];
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO synapse_migrations (version, name) VALUES ($1, $2)', [
            migration.version,
            migration.name,
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`database migration ${migration.version} (${migration.name}) failed`, {
            cause: err,
          });
        }
        logger.info({ version: migration.version, name: migration.name }, 'database migrated');
        ran.push(migration.version);
      }
      return ran;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration versions must be 1, 2, 3, …: entry ${i} has ${m.version}`);
    }
  });
}
