import type { Pool } from 'pg';
import { recordingFromRow, type RecordingSqlRow } from '../../recording/recording-rows';
import type { RecordingIndex, RecordingRow } from '../types';

/** Statuses after which nothing more happens to a recording but retention (as in SQLite). */
const FINISHED = "('stopped', 'declined', 'failed')";

/**
 * Recording metadata in PostgreSQL (migration 5), beside the call log, whenever `database` is
 * set: a recording started through one node is found and downloaded through any, and its
 * metadata is as durable as the call it belongs to.
 */
export class PostgresRecordingIndex implements RecordingIndex {
  constructor(private readonly pool: Pool) {}

  async put(row: RecordingRow): Promise<void> {
    const { recording } = row;
    await this.pool.query(
      `INSERT INTO synapse_recordings
         (call_id, tenant, from_id, to_id, media, status, stopped_at, recording)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (call_id) DO UPDATE SET status = excluded.status,
         stopped_at = excluded.stopped_at, recording = excluded.recording`,
      [
        row.callId,
        row.tenant,
        row.parties[0],
        row.parties[1],
        row.media,
        recording.status,
        recording.stoppedAt ?? null,
        JSON.stringify(recording),
      ],
    );
  }

  async get(callId: string): Promise<RecordingRow | undefined> {
    return (await this.getMany([callId])).get(callId);
  }

  async getMany(callIds: string[]): Promise<Map<string, RecordingRow>> {
    const found = new Map<string, RecordingRow>();
    if (callIds.length === 0) return found;
    const { rows } = await this.pool.query<RecordingSqlRow>(
      'SELECT * FROM synapse_recordings WHERE call_id = ANY($1::text[])',
      [callIds],
    );
    for (const row of rows) found.set(row.call_id, recordingFromRow(row));
    return found;
  }

  async listUnfinished(): Promise<RecordingRow[]> {
    const { rows } = await this.pool.query<RecordingSqlRow>(
      `SELECT * FROM synapse_recordings WHERE status NOT IN ${FINISHED}`,
    );
    return rows.map(recordingFromRow);
  }

  async listStoppedBefore(before: number, limit: number): Promise<RecordingRow[]> {
    const { rows } = await this.pool.query<RecordingSqlRow>(
      `SELECT * FROM synapse_recordings WHERE status IN ${FINISHED} AND stopped_at < $1
       ORDER BY stopped_at LIMIT $2`,
      [before, limit],
    );
    return rows.map(recordingFromRow);
  }

  async delete(callId: string): Promise<void> {
    await this.pool.query('DELETE FROM synapse_recordings WHERE call_id = $1', [callId]);
  }
}
