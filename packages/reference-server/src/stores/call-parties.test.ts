// The index of a transferred call's earlier parties (the agent who handed it over) is filled in
// for calls logged before it existed, on both SQL call logs (SQLite schema 5, PostgreSQL
// migration 6). Real SQLite file and real PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { usePostgres } from '@synapse-calling/test-utils/server';
import { toRow } from './call-rows';
import { migrate } from './postgres/migrate';
import { MIGRATIONS } from './postgres/migrations';
import { PostgresCallLog } from './postgres/postgres-call-log';
import { openDatabase } from './sqlite';
import { SqliteCallLog } from './sqlite-call-log';
import type { CallLogEntry } from './types';

const postgres = usePostgres();
const cleanup: Array<() => unknown> = [];

afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Carol's call to Alice, which Alice transferred to Bob. */
const transferred: CallLogEntry = {
  tenant: 'acme',
  media: 'p2p',
  durationMs: 9_000,
  call: {
    id: 'c1',
    from: { id: 'carol', name: 'Carol', role: 'customer' },
    to: { id: 'bob', name: 'Bob', role: 'agent' },
    state: 'ended',
    createdAt: 1_000,
    answeredAt: 2_000,
    endedAt: 11_000,
    endReason: 'completed',
    legs: [
      { party: { id: 'alice', name: 'Alice', role: 'agent' }, from: 2_000, until: 5_000 },
      { party: { id: 'bob', name: 'Bob', role: 'agent' }, from: 5_000 },
    ],
  },
};

it('SQLite: an upgraded database lists a call the agent transferred on before the upgrade', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'synapse-parties-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const before = openDatabase(dir);
  // Back to schema 4, which had no index of earlier parties, holding a transferred call.
  before.exec('DROP TABLE call_parties; PRAGMA user_version = 4;');
  const columns = Object.keys(toRow(transferred));
  before
    .prepare(`INSERT INTO calls (${columns.join(', ')}) VALUES (@${columns.join(', @')})`)
    .run(toRow(transferred));
  before.close();

  const db = openDatabase(dir);
  cleanup.push(() => db.close());
  const page = await new SqliteCallLog(db).listForUser('acme', 'alice', { limit: 5 });
  expect(page.entries.map((e) => e.call.id)).toEqual(['c1']);
  expect(await new SqliteCallLog(db).listForUser('globex', 'alice', { limit: 5 })).toEqual({
    entries: [],
    nextCursor: null,
  });
});

it('PostgreSQL: migration 6 lists a call the agent transferred on before it ran', async () => {
  const pool = new pg.Pool({ connectionString: await postgres.createDatabase(), max: 2 });
  cleanup.push(() => pool.end());
  const logger = pino({ level: 'silent' });
  await migrate(
    pool,
    logger,
    MIGRATIONS.filter((m) => m.version < 6),
  );
  const row = toRow(transferred);
  const columns = Object.keys(row);
  await pool.query(
    `INSERT INTO synapse_calls (${columns.join(', ')})
     VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(row),
  );

  expect(await migrate(pool, logger)).toEqual([6]);
  const page = await new PostgresCallLog(pool).listForUser('acme', 'alice', { limit: 5 });
  expect(page.entries.map((e) => e.call.id)).toEqual(['c1']);
});
