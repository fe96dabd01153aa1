import type { SqliteDatabase } from './sqlite';
import { decodeCursor, toPage, fromRow, toRow, type CallRow, type PageRow } from './call-rows';
import type { CallLog, CallLogEntry, CallLogPage } from './types';

/** The durable call log in SQLite (better-sqlite3 is synchronous; the interface is not). */
export class SqliteCallLog implements CallLog {
  private readonly upsert;
  private readonly byId;
  private readonly unfinished;
  private readonly pageFirst;
  private readonly pageAfter;
  private readonly deleteEnded;

  constructor(db: SqliteDatabase) {
    this.deleteEnded = db.prepare<[number]>(
      "DELETE FROM calls WHERE state = 'ended' AND ended_at < ?",
    );
    this.upsert = db.prepare(`
      INSERT INTO calls (id, tenant, from_id, from_name, from_role, to_id, to_name, to_role, state,
        media, room, created_at, answered_at, ended_at, duration_ms, end_reason, ended_by, metadata,
        line, legs)
      VALUES (@id, @tenant, @from_id, @from_name, @from_role, @to_id, @to_name, @to_role, @state,
        @media, @room, @created_at, @answered_at, @ended_at, @duration_ms, @end_reason, @ended_by,
        @metadata, @line, @legs)
      -- The callee changes while a line call rings agent after agent, and either side when a
      -- call is transferred (docs/lines.md).
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, room = excluded.room,
        from_id = excluded.from_id, from_name = excluded.from_name, from_role = excluded.from_role,
        to_id = excluded.to_id, to_name = excluded.to_name, to_role = excluded.to_role,
        answered_at = excluded.answered_at, ended_at = excluded.ended_at,
        duration_ms = excluded.duration_ms, end_reason = excluded.end_reason,
        ended_by = excluded.ended_by, legs = excluded.legs
      -- An ended call is history: a late write (a transition that lost a race) must not revive it.
      WHERE calls.state != 'ended'`);
    this.byId = db.prepare<[string], CallRow>('SELECT * FROM calls WHERE id = ?');
    this.unfinished = db.prepare<[], CallRow>("SELECT * FROM calls WHERE state != 'ended'");
    // A UNION of the two indexed halves is far cheaper than `from_id = ? OR to_id = ?`.
    const page = (after: string) => `
      SELECT * FROM (
        SELECT rowid AS seq, * FROM calls WHERE tenant = @tenant AND from_id = @user ${after}
        UNION
        SELECT rowid AS seq, * FROM calls WHERE tenant = @tenant AND to_id = @user ${after}
      ) ORDER BY created_at DESC, seq DESC LIMIT @limit`;
    this.pageFirst = db.prepare<Record<string, unknown>, PageRow>(page(''));
    this.pageAfter = db.prepare<Record<string, unknown>, PageRow>(
      page('AND (created_at < @at OR (created_at = @at AND rowid < @seq))'),
    );
  }

  async write(entry: CallLogEntry): Promise<void> {
    this.upsert.run(toRow(entry));
  }

  async get(callId: string): Promise<CallLogEntry | undefined> {
    const row = this.byId.get(callId);
    return row ? fromRow(row) : undefined;
  }

  async listForUser(
    tenant: string,
    userId: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<CallLogPage> {
    // Fetch one extra row to know whether another page exists.
    const params: Record<string, unknown> = { tenant, user: userId, limit: limit + 1 };
    let rows: PageRow[];
    if (cursor) {
      const { at, seq } = decodeCursor(cursor);
      rows = this.pageAfter.all({ ...params, at, seq });
    } else {
      rows = this.pageFirst.all(params);
    }
    return toPage(rows, limit);
  }

  async listUnfinished(): Promise<CallLogEntry[]> {
    return this.unfinished.all().map(fromRow);
  }

  async prune(endedBefore: number): Promise<number> {
    return this.deleteEnded.run(endedBefore).changes;
  }
}
