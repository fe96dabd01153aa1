import type {
  CallInfo,
  CallMetadata,
  CallState,
  EndReason,
  MediaKind,
  Role,
} from '@synapse-calling/protocol';
import type { SqliteDatabase } from './sqlite';
import { InvalidCursorError, type CallLog, type CallLogEntry, type CallLogPage } from './types';

interface CallRow {
  id: string;
  tenant: string;
  from_id: string;
  from_name: string;
  from_role: Role;
  to_id: string;
  to_name: string;
  to_role: Role;
  state: CallState;
  media: MediaKind;
  room: string | null;
  created_at: number;
  answered_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  end_reason: EndReason | null;
  ended_by: string | null;
  metadata: string | null;
}

interface PageRow extends CallRow {
  seq: number;
}

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
        media, room, created_at, answered_at, ended_at, duration_ms, end_reason, ended_by, metadata)
      VALUES (@id, @tenant, @from_id, @from_name, @from_role, @to_id, @to_name, @to_role, @state,
        @media, @room, @created_at, @answered_at, @ended_at, @duration_ms, @end_reason, @ended_by,
        @metadata)
      ON CONFLICT (id) DO UPDATE SET state = excluded.state, room = excluded.room,
        answered_at = excluded.answered_at, ended_at = excluded.ended_at,
        duration_ms = excluded.duration_ms, end_reason = excluded.end_reason,
        ended_by = excluded.ended_by
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
    const { call } = entry;
    this.upsert.run({
      id: call.id,
      tenant: entry.tenant,
      from_id: call.from.id,
      from_name: call.from.name,
      from_role: call.from.role,
      to_id: call.to.id,
      to_name: call.to.name,
      to_role: call.to.role,
      state: call.state,
      media: entry.media,
      room: entry.room ?? null,
      created_at: call.createdAt,
      answered_at: call.answeredAt ?? null,
      ended_at: call.endedAt ?? null,
      duration_ms: entry.durationMs,
      end_reason: call.endReason ?? null,
      ended_by: call.endedBy ?? null,
      metadata: call.metadata === undefined ? null : JSON.stringify(call.metadata),
    });
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
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      entries: page.map(fromRow),
      nextCursor: more && last ? encodeCursor(last.created_at, last.seq) : null,
    };
  }

  async listUnfinished(): Promise<CallLogEntry[]> {
    return this.unfinished.all().map(fromRow);
  }

  async prune(endedBefore: number): Promise<number> {
    return this.deleteEnded.run(endedBefore).changes;
  }
}

function fromRow(row: CallRow): CallLogEntry {
  const call: CallInfo = {
    id: row.id,
    from: { id: row.from_id, name: row.from_name, role: row.from_role },
    to: { id: row.to_id, name: row.to_name, role: row.to_role },
    state: row.state,
    createdAt: row.created_at,
  };
  if (row.answered_at !== null) call.answeredAt = row.answered_at;
  if (row.ended_at !== null) call.endedAt = row.ended_at;
  if (row.end_reason !== null) call.endReason = row.end_reason;
  if (row.ended_by !== null) call.endedBy = row.ended_by;
  if (row.metadata !== null) call.metadata = JSON.parse(row.metadata) as CallMetadata;
  return {
    tenant: row.tenant,
    call,
    media: row.media,
    room: row.room ?? undefined,
    durationMs: row.duration_ms,
  };
}

/**
 * Opaque to clients: base64url of the sort key of the last row returned. The rowid breaks ties
 * between calls created in the same millisecond in insertion order.
 */
function encodeCursor(at: number, seq: number): string {
  return Buffer.from(JSON.stringify([at, seq])).toString('base64url');
}

function decodeCursor(cursor: string): { at: number; seq: number } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      Number.isSafeInteger(value[1])
    ) {
      return { at: value[0] as number, seq: value[1] as number };
    }
  } catch {
    // fall through: anything unparsable is simply not a cursor of ours
  }
  throw new InvalidCursorError();
}
