import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallRecording } from '@synapse-calling/protocol';
import type { CallRecord, CallRegistry, RecordingIndex, RecordingStore } from '../stores/types';
import { keyOf } from './capture';
import { RECORDING_FILE, type FinishedFile } from './file-sink';
import { OPUS_SAMPLE_RATE } from './ogg-opus';
import type { P2PUploads } from './p2p-uploads';
import type { RecordingPublisher } from './publisher';
import type { RecordingManager } from './recording-manager';

const DAY_MS = 24 * 60 * 60 * 1000;
const PRUNE_BATCH = 100;

export interface RecordingUpkeepDeps {
  registry: CallRegistry;
  index: RecordingIndex;
  store: RecordingStore;
  uploads: P2PUploads;
  manager: RecordingManager;
  publisher: RecordingPublisher;
  logger: Logger;
  /** Several nodes share the registry: a live call's recorder may run on another node. */
  shared: boolean;
  retentionDays?: number | undefined;
  intervalMs: number;
}

/**
 * What keeps recordings honest across restarts and bounded over time: at start, recordings a
 * stopped process left unfinished are finalised from what was written (or, for a P2P call that
 * survived the restart, carried on); on a timer, recordings past their retention are deleted,
 * files and rows, and each deletion is logged.
 */
export class RecordingUpkeep {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly deps: RecordingUpkeepDeps) {}

  async recover(): Promise<void> {
    const { registry, index, manager, logger } = this.deps;
    for (const row of await index.listUnfinished()) {
      const live = await registry.get(row.callId);
      const active = live?.call.state === 'active';
      // Another node carries the call and, with it, any recorder of it.
      if (this.deps.shared && active) continue;
      const record: CallRecord = live ?? {
        call: {
          id: row.callId,
          from: { id: row.parties[0], name: row.parties[0], role: 'agent' },
          to: { id: row.parties[1], name: row.parties[1], role: 'customer' },
          state: 'ended',
          createdAt: 0,
        },
        tenant: row.tenant,
        media: row.media,
        sockets: { caller: null, callee: null },
      };
      try {
        const { recording } = row;
        if (recording.status === 'recording' && row.media === 'p2p' && live && active) {
          await manager.adopt(live, recording);
          continue;
        }
        if (recording.status === 'consent-pending' || recording.startedAt === undefined) {
          const { consentFrom: _asked, ...rest } = recording;
          await this.deps.publisher.publish(record, { ...rest, status: 'stopped' }, rest.startedBy);
          continue;
        }
        const failed: CallRecording = { ...recording, status: 'failed', stoppedAt: Date.now() };
        await this.deps.publisher.publish(record, failed, recording.startedBy);
        const file =
          row.media === 'p2p'
            ? await this.deps.uploads.finalise(keyOf(row))
            : await this.inspect(record);
        await this.deps.publisher.fileReady(record, failed, file);
        logger.warn({ callId: row.callId }, 'recording cut short by a restart: finalised');
      } catch (err) {
        logger.error({ err, callId: row.callId }, 'could not finalise an unfinished recording');
      }
    }
  }

  start(): void {
    if (this.deps.retentionDays === undefined) return;
    this.timer = setInterval(() => {
      this.running ??= this.prune().finally(() => (this.running = undefined));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes recordings that stopped more than `retentionDays` ago; returns how many. */
  async prune(now = Date.now()): Promise<number> {
    const { retentionDays, index, store, logger } = this.deps;
    if (retentionDays === undefined) return 0;
    let removed = 0;
    try {
      for (;;) {
        const rows = await index.listStoppedBefore(now - retentionDays * DAY_MS, PRUNE_BATCH);
        for (const row of rows) {
          await store.removeAll(keyOf(row));
          await index.delete(row.callId);
          this.deps.uploads.forget(row.callId);
          logger.info(
            { callId: row.callId, tenant: row.tenant, retentionDays },
            'recording deleted (retention)',
          );
          removed++;
        }
        if (rows.length < PRUNE_BATCH) break;
      }
    } catch (err) {
      logger.error({ err }, 'recording retention failed');
    }
    return removed;
  }

  /** A LiveKit recording's file as a dead recorder left it: every complete page plays. */
  private async inspect(record: CallRecord): Promise<FinishedFile | undefined> {
    const key = keyOf({ tenant: record.tenant, callId: record.call.id });
    if ((await this.deps.store.size(key, RECORDING_FILE)) === undefined) return undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of this.deps.store.read(key, RECORDING_FILE)) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    }
    const data = Buffer.concat(chunks);
    return {
      durationMs: oggDurationMs(data),
      size: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
  }
}

/** Duration of an Ogg Opus file: the last page's granule position less the pre-skip. */
export function oggDurationMs(data: Buffer): number {
  const head = data.indexOf('OpusHead');
  const preSkip = head >= 0 && head + 12 <= data.length ? data.readUInt16LE(head + 10) : 0;
  for (let at = data.lastIndexOf('OggS'); at >= 0; at = data.lastIndexOf('OggS', at - 1)) {
    if (at + 14 > data.length) continue;
    const granule = Number(data.readBigInt64LE(at + 6));
    if (granule > 0) return Math.round(((granule - preSkip) * 1000) / OPUS_SAMPLE_RATE);
  }
  return 0;
}
