import type { SqliteDatabase } from './sqlite';
import {
  decodeCursor,
  fromRow,
  legParties,
  toPage,
  toRow,
  type CallRow,
  type PageRow,
} from './call-rows';
import type { CallLog, CallLogEntry, CallLogPage } from './types';

/** The durable call log in SQLite (better-sqlite3 is synchronous; the interface is not). */
export class SqliteCallLog implements CallLog {
  private readonly upsert;
  private readonly addParty;
  private readonly deleteOrphanParties;
  private readonly byId;
  private readonly unfinished;
  private readonly pageFirst;
  private readonly pageAfter;
  private readonly deleteEnded;
  private readonly commit;
  /** Rows waiting for this turn of the event loop's commit, with their writers' promises. */
  private queued: {
    row: CallRow;
    parties: string[];
    done: () => void;
    failed: (err: unknown) => void;
  }[] = [];

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
    this.addParty = db.prepare<[string, string, string]>(
      'INSERT OR IGNORE INTO call_parties (tenant, user_id, call_id) VALUES (?, ?, ?)',
    );
    this.deleteOrphanParties = db.prepare(
      'DELETE FROM call_parties WHERE call_id NOT IN (SELECT id FROM calls)',
    );
    this.commit = db.transaction((rows: { row: CallRow; parties: string[] }[]) => {
      for (const w of rows) this.writeRow(w);
    });
    this.byId = db.prepare<[string], CallRow>('SELECT * FROM calls WHERE id = ?');
    this.unfinished = db.prepare<[], CallRow>("SELECT * FROM calls WHERE state != 'ended'");
    // A UNION of the indexed halves is far cheaper than `from_id = ? OR to_id = ?`; the third
    // finds the calls this user held before they were transferred on.
    const page = (after: string) => `
      SELECT * FROM (
        SELECT rowid AS seq, * FROM calls WHERE tenant = @tenant AND from_id = @user ${after}
        UNION
        SELECT rowid AS seq, * FROM calls WHERE tenant = @tenant AND to_id = @user ${after}
        UNION
        SELECT rowid AS seq, * FROM calls WHERE tenant = @tenant AND id IN (
          SELECT call_id FROM call_parties WHERE tenant = @tenant AND user_id = @user) ${after}
      ) ORDER BY created_at DESC, seq DESC LIMIT @limit`;
    this.pageFirst = db.prepare<Record<string, unknown>, PageRow>(page(''));
    this.pageAfter = db.prepare<Record<string, unknown>, PageRow>(
      page('AND (created_at < @at OR (created_at = @at AND rowid < @seq))'),
    );
  }

  /**
   * Group commit: the rows written during one turn of the event loop reach SQLite in one
   * transaction, and each write resolves only once its row is committed, so an ack sent after
   * `await write()` still means the call is in the log (a `kill -9` right after finds it). One
   * transaction per row cost ~7× more per row, and blocked the event loop under load
   * (docs/performance.md).
   */
  write(entry: CallLogEntry): Promise<void> {
    return new Promise((done, failed) => {
      const write = { row: toRow(entry), parties: legParties(entry), done, failed };
      const first = this.queued.push(write) === 1;
      if (first) setImmediate(() => this.flush());
    });
  }

  /** Commits what is queued. Reads call it first: a read sees every write made before it. */
  private flush(): void {
    const batch = this.queued;
    if (batch.length === 0) return;
    this.queued = [];
    try {
      this.commit(batch);
      for (const w of batch) w.done();
    } catch {
      // One bad row must not fail the others: each alone, with its own error.
      for (const w of batch) {
        try {
          this.writeRow(w);
          w.done();
        } catch (err) {
          w.failed(err);
        }
      }
    }
  }

  private writeRow({ row, parties }: { row: CallRow; parties: string[] }): void {
    this.upsert.run(row);
    for (const user of parties) this.addParty.run(row.tenant, user, row.id);
  }

  async get(callId: string): Promise<CallLogEntry | undefined> {
    this.flush();
    const row = this.byId.get(callId);
    return row ? fromRow(row) : undefined;
  }

  async listForUser(
    tenant: string,
    userId: string,
    { limit, cursor }: { limit: number; cursor?: string },
  ): Promise<CallLogPage> {
    this.flush();
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
    this.flush();
    return this.unfinished.all().map(fromRow);
  }

  async prune(endedBefore: number): Promise<number> {
    this.flush();
    const { changes } = this.deleteEnded.run(endedBefore);
    if (changes > 0) this.deleteOrphanParties.run();
    return changes;
  }
}
