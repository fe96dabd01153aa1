/**
 * Invariants of a cluster's call log, read from where users and operators read it: the
 * PostgreSQL table and each user's `GET /api/calls`.
 *
 * ```ts
 * const rows = await readCallLog(cluster.databaseUrl);
 * expect(doubleBooked(rows)).toEqual([]);
 * const histories = await fetchHistories(cluster.url, ['alice', 'bob']);
 * ```
 */
import pg from 'pg';
import type { CallInfo } from '@synapse-calling/protocol';
import { agent, mintTestToken } from './server';

/** One row of `synapse_calls`, the columns the checks read (times as numbers). */
export interface CallLogRow {
  id: string;
  from_id: string;
  to_id: string;
  state: string;
  answered_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
}

export async function readCallLog(databaseUrl: string): Promise<CallLogRow[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<Record<keyof CallLogRow, string | null>>(
      'SELECT id, from_id, to_id, state, answered_at, ended_at, end_reason FROM synapse_calls',
    );
    const num = (v: string | null) => (v === null ? null : Number(v));
    return rows.map((r) => ({
      id: r.id!,
      from_id: r.from_id!,
      to_id: r.to_id!,
      state: r.state!,
      answered_at: num(r.answered_at),
      ended_at: num(r.ended_at),
      end_reason: r.end_reason,
    }));
  } finally {
    await db.end();
  }
}

/** Users whose answered calls overlap in time ("user in two calls"), one line per overlap. */
export function doubleBooked(rows: CallLogRow[]): string[] {
  const spans = new Map<string, Array<[number, number, string]>>();
  for (const row of rows) {
    if (row.answered_at === null) continue;
    const span: [number, number, string] = [row.answered_at, row.ended_at ?? Infinity, row.id];
    for (const user of [row.from_id, row.to_id]) {
      spans.set(user, [...(spans.get(user) ?? []), span]);
    }
  }
  const overlaps: string[] = [];
  for (const [user, list] of spans) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < list.length; i++) {
      const [prev, next] = [list[i - 1]!, list[i]!];
      if (next[0] < prev[1]) overlaps.push(`${user} in ${prev[2]} and ${next[2]} at once`);
    }
  }
  return overlaps;
}

/** Each user's whole call history (`GET /api/calls`, every page), as that user sees it. */
export async function fetchHistories(
  url: string,
  userIds: string[],
): Promise<Map<string, CallInfo[]>> {
  const histories = new Map<string, CallInfo[]>();
  for (const userId of userIds) {
    const token = await mintTestToken(agent(userId));
    const calls: CallInfo[] = [];
    let cursor: string | undefined;
    do {
      const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await fetch(`${url}/api/calls?${query}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (!res.ok) throw new Error(`GET /api/calls for ${userId}: ${res.status}`);
      const page = (await res.json()) as { calls: CallInfo[]; nextCursor?: string };
      calls.push(...page.calls);
      cursor = page.nextCursor;
    } while (cursor);
    histories.set(userId, calls);
  }
  return histories;
}
