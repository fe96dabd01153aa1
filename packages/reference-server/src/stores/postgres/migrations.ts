/**
 * The PostgreSQL schema, as numbered steps applied once each, in order, on start (see
 * `migrate.ts`). A store that needs a table adds one entry at the end of `MIGRATIONS` (never edit
 * or reorder an entry that has shipped: databases out there already ran it).
 *
 * Tables are prefixed `synapse_` because the database is often the host's own (a CRM's), where
 * `calls` or `users` may already exist.
 */
export interface Migration {
  /** Strictly increasing, starting at 1. */
  version: number;
  /** What it does, kept in `synapse_migrations` for whoever reads the database. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'call log and user directory',
    sql: `
      CREATE TABLE synapse_calls (
        id TEXT PRIMARY KEY,
        -- Breaks ties between calls created in the same millisecond (history paging order).
        seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
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
        created_at BIGINT NOT NULL,
        answered_at BIGINT,
        ended_at BIGINT,
        duration_ms BIGINT,
        end_reason TEXT,
        ended_by TEXT,
        -- json (not jsonb) keeps the host's metadata byte for byte, key order included.
        metadata JSON
      );
      -- History of one user: one index per side, each in page order.
      CREATE INDEX synapse_calls_from ON synapse_calls (tenant, from_id, created_at DESC, seq DESC);
      CREATE INDEX synapse_calls_to ON synapse_calls (tenant, to_id, created_at DESC, seq DESC);
      -- Recovery on start reads the few unfinished calls among many ended ones.
      CREATE INDEX synapse_calls_unfinished ON synapse_calls (state) WHERE state <> 'ended';
      -- Retention deletes ended calls by age without scanning the table.
      CREATE INDEX synapse_calls_ended_at ON synapse_calls (ended_at) WHERE state = 'ended';
      CREATE TABLE synapse_users (
        tenant TEXT NOT NULL,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        last_seen BIGINT,
        PRIMARY KEY (tenant, user_id)
      );
    `,
  },
  {
    version: 2,
    name: 'the line a call was placed to',
    sql: `ALTER TABLE synapse_calls ADD COLUMN line TEXT;`,
  },
  {
    version: 3,
    name: 'the legs of a transferred call',
    sql: `ALTER TABLE synapse_calls ADD COLUMN legs TEXT;`,
  },
  {
    version: 4,
    name: 'web push subscriptions',
    sql: `
      CREATE TABLE synapse_push_subscriptions (
        tenant TEXT NOT NULL,
        user_id TEXT NOT NULL,
        endpoint TEXT NOT NULL,
        -- Breaks ties between registrations in the same millisecond (newest first).
        seq BIGINT GENERATED ALWAYS AS IDENTITY,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        server_url TEXT NOT NULL,
        open_url TEXT,
        lang TEXT,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (tenant, user_id, endpoint)
      );
    `,
  },
  {
    version: 5,
    name: 'recording metadata',
    sql: `
      CREATE TABLE synapse_recordings (
        call_id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        from_id TEXT NOT NULL,
        to_id TEXT NOT NULL,
        media TEXT NOT NULL,
        status TEXT NOT NULL,
        stopped_at BIGINT,
        -- json (not jsonb): the recording as the server wrote it, key order included.
        recording JSON NOT NULL
      );
      -- Retention reads finished recordings by stop time; a restart reads the unfinished few.
      CREATE INDEX synapse_recordings_stopped ON synapse_recordings (stopped_at)
        WHERE status IN ('stopped', 'declined', 'failed');
      CREATE INDEX synapse_recordings_unfinished ON synapse_recordings (status)
        WHERE status NOT IN ('stopped', 'declined', 'failed');
    `,
  },
  {
    version: 6,
    name: 'earlier parties of transferred calls',
    sql: `
      -- Everyone who held a side of a transferred call (its legs), so the agent who handed it
      -- over still finds it in their history; from_id/to_id name only the last.
      CREATE TABLE synapse_call_parties (
        tenant TEXT NOT NULL,
        user_id TEXT NOT NULL,
        call_id TEXT NOT NULL REFERENCES synapse_calls (id) ON DELETE CASCADE,
        PRIMARY KEY (tenant, user_id, call_id)
      );
      INSERT INTO synapse_call_parties (tenant, user_id, call_id)
        SELECT DISTINCT c.tenant, leg -> 'party' ->> 'id', c.id
        FROM synapse_calls c, json_array_elements(c.legs::json) AS leg
        WHERE c.legs IS NOT NULL;
    `,
  },
];
