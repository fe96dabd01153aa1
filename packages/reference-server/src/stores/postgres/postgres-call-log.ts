import type { Pool } from 'pg';
import {
  decodeCursor,
  fromRow,
  legParties,
  toPage,
  toRow,
  type CallRow,
  type PageRow,
} from '../call-rows';
import type { CallLog, CallLogEntry, CallLogPage } from '../types';

/** The columns in `CallRow` order; `::text` keeps the metadata exactly as it was written. */
const COLUMNS = `id, tenant, from_id, from_name, from_role, to_id, to_name, to_role, state, media,
  room, created_at, answered_at, ended_at, duration_ms, end_reason, ended_by,
  metadata::text AS metadata, line, legs`;

const UPSERT = `
  INSERT INTO synapse_calls (id, tenant, from_id, from_name, from_role, to_id, to_name, to_role,
    state, media, room, created_at, answered_at, ended_at, duration_ms, end_reason, ended_by,
    metadata, line, legs)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
    $20)
  -- The callee changes while a line call rings agent after agent, and either side when a call
  -- is transferred (docs/lines.md).
  ON CONFLICT (id) DO UPDATE SET state = excluded.state, room = excluded.room,
    from_id = excluded.from_id, from_name = excluded.from_name, from_role = excluded.from_role,
    to_id = excluded.to_id, to_name = excluded.to_name, to_role = excluded.to_role,
    answered_at = excluded.answered_at, ended_at = excluded.ended_at,
    duration_ms = excluded.duration_ms, end_reason = excluded.end_reason,
    ended_by = excluded.ended_by, legs = excluded.legs
  -- An ended call is history: a late write (a transition that lost a race) must not revive it.
  WHERE synapse_calls.state <> 'ended'`;

/**
 * Both halves use their own index in page order; the union of two index scans is far cheaper
 * than `from_id = $2 OR to_id = $2`. The third part finds the calls this user held before they
 * were transferred on. `$4`/`$5` (the last row of the previous page) are null on the first page.
 */
const PAGE = (whose: string) => `
  (SELECT seq, ${COLUMNS} FROM synapse_calls
    WHERE tenant = $1 AND ${whose}
      AND ($4::bigint IS NULL OR (created_at, seq) < ($4::bigint, $5::bigint))
    ORDER BY created_at DESC, seq DESC LIMIT $3)`;
export const LIST_FOR_USER = `
  ${PAGE('from_id = $2')} UNION ${PAGE('to_id = $2')}
  UNION ${PAGE('id IN (SELECT call_id FROM synapse_call_parties WHERE tenant = $1 AND user_id = $2)')}
  ORDER BY created_at DESC, seq DESC LIMIT $3`;

const ADD_PARTIES = `
  INSERT INTO synapse_call_parties (tenant, user_id, call_id)
  SELECT $1, user_id, $2 FROM unnest($3::text[]) AS user_id
  ON CONFLICT DO NOTHING`;

/**
 * The durable call log in PostgreSQL, shared by every node that points at the database. Rows
 * and cursors are those of the SQLite call log, so a deployment can move between the two.
 */
export class PostgresCallLog implements CallLog {
  constructor(private readonly pool: Pool) {}

  async write(entry: CallLogEntry): Promise<void> {
    const row = toRow(entry);
    await this.pool.query(UPSERT, [
      row.id,
      row.tenant,
      row.from_id,
      row.from_name,
      row.from_role,
      row.to_id,
      row.to_name,
      row.to_role,
      row.state,
      row.media,
      row.room,
      row.created_at,
      row.answered_at,
      row.ended_at,
      row.duration_ms,
      row.end_reason,
      row.ended_by,
      row.metadata,
      row.line,
      row.legs,
    ]);
    const parties = legParties(entry);
    if (parties.length > 0) await this.pool.query(ADD_PARTIES, [row.tenant, row.id, parties]);
  }

  async get(callId: string): Promise<CallLogEntry | undefined> {
    const { rows } = await this.pool.query<CallRow>(
      `SELECT ${COLUMNS} FROM synapse_calls WHERE id = $1`,
      [callId],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async listForUser(
    tenant: string,
    userId: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<CallLogPage> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    // One extra row tells whether another page exists.
    const { rows } = await this.pool.query<PageRow>(LIST_FOR_USER, [
      tenant,
      userId,
      limit + 1,
      after?.at ?? null,
      after?.seq ?? null,
    ]);
    return toPage(rows, limit);
  }

  async listUnfinished(): Promise<CallLogEntry[]> {
    const { rows } = await this.pool.query<CallRow>(
      `SELECT ${COLUMNS} FROM synapse_calls WHERE state <> 'ended'`,
    );
    return rows.map(fromRow);
  }

  async prune(endedBefore: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      "DELETE FROM synapse_calls WHERE state = 'ended' AND ended_at < $1",
      [endedBefore],
    );
    return rowCount ?? 0;
  }
}
