import type { SqliteDatabase } from '../stores/sqlite';
import { recordingFromRow, type RecordingSqlRow } from './recording-rows';
import type { RecordingIndex, RecordingRow } from '../stores/types';

/** Statuses after which nothing more happens to a recording but retention. */
const FINISHED = "('stopped', 'declined', 'failed')";

/**
 * Recording metadata in the embedded SQLite database, beside the call log. Its table is created
 * here (not by the database's migrations), so the recording module stays one removable piece.
 */
export class SqliteRecordingIndex implements RecordingIndex {
  private readonly upsert;
  private readonly byId;
  private readonly unfinished;
  private readonly stoppedBefore;
  private readonly remove;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS recordings (
        call_id TEXT PRIMARY KEY,
        tenant TEXT NOT NULL,
        from_id TEXT NOT NULL,
        to_id TEXT NOT NULL,
        media TEXT NOT NULL,
        status TEXT NOT NULL,
        stopped_at INTEGER,
        recording TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS recordings_stopped ON recordings (stopped_at)
        WHERE status IN ${FINISHED};
    `);
    this.upsert = db.prepare(`
      INSERT INTO recordings (call_id, tenant, from_id, to_id, media, status, stopped_at, recording)
      VALUES (@call_id, @tenant, @from_id, @to_id, @media, @status, @stopped_at, @recording)
      ON CONFLICT (call_id) DO UPDATE SET status = excluded.status,
        stopped_at = excluded.stopped_at, recording = excluded.recording`);
    this.byId = db.prepare<[string], RecordingSqlRow>('SELECT * FROM recordings WHERE call_id = ?');
    this.unfinished = db.prepare<[], RecordingSqlRow>(
      `SELECT * FROM recordings WHERE status NOT IN ${FINISHED}`,
    );
    this.stoppedBefore = db.prepare<[number, number], RecordingSqlRow>(
      `SELECT * FROM recordings WHERE status IN ${FINISHED} AND stopped_at < ?
       ORDER BY stopped_at LIMIT ?`,
    );
    this.remove = db.prepare<[string]>('DELETE FROM recordings WHERE call_id = ?');
  }

  async put(row: RecordingRow): Promise<void> {
    const { recording } = row;
    this.upsert.run({
      call_id: row.callId,
      tenant: row.tenant,
      from_id: row.parties[0],
      to_id: row.parties[1],
      media: row.media,
      status: recording.status,
      stopped_at: recording.stoppedAt ?? null,
      recording: JSON.stringify(recording),
    });
  }

  async get(callId: string): Promise<RecordingRow | undefined> {
    const row = this.byId.get(callId);
    return row ? recordingFromRow(row) : undefined;
  }

  async getMany(callIds: string[]): Promise<Map<string, RecordingRow>> {
    const found = new Map<string, RecordingRow>();
    if (callIds.length === 0) return found;
    const rows = this.db
      .prepare<string[], RecordingSqlRow>(
        `SELECT * FROM recordings WHERE call_id IN (${callIds.map(() => '?').join(',')})`,
      )
      .all(...callIds);
    for (const row of rows) found.set(row.call_id, recordingFromRow(row));
    return found;
  }

  async listUnfinished(): Promise<RecordingRow[]> {
    return this.unfinished.all().map(recordingFromRow);
  }

  async listStoppedBefore(before: number, limit: number): Promise<RecordingRow[]> {
    return this.stoppedBefore.all(before, limit).map(recordingFromRow);
  }

  async delete(callId: string): Promise<void> {
    this.remove.run(callId);
  }
}
