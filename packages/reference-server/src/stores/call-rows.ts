import type {
  CallInfo,
  CallLeg,
  CallMetadata,
  CallState,
  EndReason,
  MediaKind,
  Role,
} from '@synapse-calling/protocol';
import { InvalidCursorError, type CallLogEntry, type CallLogPage } from './types';

/**
 * One call log row as the SQL call logs (SQLite, PostgreSQL) read it: the same columns in both,
 * so that both map rows and page cursors the same way.
 */
export interface CallRow {
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
  /** The line the call was placed to; null for a call to a user. */
  line: string | null;
  /** JSON of `call.legs` (who talked when), once the call was transferred; else null. */
  legs: string | null;
}

export interface PageRow extends CallRow {
  seq: number;
}

/** The columns of `entry`, as both SQL call logs write them. */
export function toRow(entry: CallLogEntry): CallRow {
  const { call } = entry;
  return {
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
    line: call.line ?? null,
    legs: call.legs ? JSON.stringify(call.legs) : null,
  };
}

/** Who held a side of the call before its last transfer (`call.legs`), for their history. */
export function legParties(entry: CallLogEntry): string[] {
  return [...new Set(entry.call.legs?.map((leg) => leg.party.id) ?? [])];
}

export function fromRow(row: CallRow): CallLogEntry {
  const call: CallInfo = {
    id: row.id,
    from: { id: row.from_id, name: row.from_name, role: row.from_role },
    to: { id: row.to_id, name: row.to_name, role: row.to_role },
    state: row.state,
    createdAt: row.created_at,
    mediaKind: row.media,
  };
  if (row.answered_at !== null) call.answeredAt = row.answered_at;
  if (row.ended_at !== null) call.endedAt = row.ended_at;
  if (row.end_reason !== null) call.endReason = row.end_reason;
  if (row.ended_by !== null) call.endedBy = row.ended_by;
  if (row.metadata !== null) call.metadata = JSON.parse(row.metadata) as CallMetadata;
  if (row.line !== null && row.line !== undefined) call.line = row.line;
  if (row.legs !== null && row.legs !== undefined) call.legs = JSON.parse(row.legs) as CallLeg[];
  return {
    tenant: row.tenant,
    call,
    media: row.media,
    room: row.room ?? undefined,
    durationMs: row.duration_ms,
  };
}

/**
 * Opaque to clients: base64url of the sort key of the last row returned. The row sequence (rowid, or `seq`) breaks ties
 * between calls created in the same millisecond in insertion order.
 */
export function encodeCursor(at: number, seq: number): string {
  return Buffer.from(JSON.stringify([at, seq])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: number; seq: number } {
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

/**
 * A page from rows fetched with one row more than `limit` (that extra row says whether another
 * page exists), newest first; the cursor points after the last row returned.
 */
export function toPage(rows: PageRow[], limit: number): CallLogPage {
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    entries: page.map(fromRow),
    nextCursor: more && last ? encodeCursor(last.created_at, last.seq) : null,
  };
}
