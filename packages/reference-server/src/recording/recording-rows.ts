import type { CallRecording, MediaKind } from '@synapse-calling/protocol';
import type { RecordingRow } from '../stores/types';

/** One row of recording metadata as the SQL indexes (SQLite, PostgreSQL) read it. */
export interface RecordingSqlRow {
  call_id: string;
  tenant: string;
  from_id: string;
  to_id: string;
  media: MediaKind;
  /** JSON text from SQLite; PostgreSQL's driver parses its `json` column already. */
  recording: string | CallRecording;
}

export function recordingFromRow(row: RecordingSqlRow): RecordingRow {
  return {
    callId: row.call_id,
    tenant: row.tenant,
    parties: [row.from_id, row.to_id],
    media: row.media,
    recording:
      typeof row.recording === 'string'
        ? (JSON.parse(row.recording) as CallRecording)
        : row.recording,
  };
}
