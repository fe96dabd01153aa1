import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallInfo, CallRecording } from '@synapse-calling/protocol';
import type { CallEmitter } from '../calls/call-events';
import type { CallEvent } from '../options';
import type { CallLog, CallRecord, CallRegistry, RecordingIndex } from '../stores/types';
import { RECORDING_MIME, type FinishedFile } from './file-sink';

export interface RecordingPublisherDeps {
  registry: CallRegistry;
  index: RecordingIndex;
  callLog: Pick<CallLog, 'get'>;
  emitter: Pick<CallEmitter, 'toUser'>;
  /** The host's hook and webhook (`recording.ready`). */
  onEvent: ((event: CallEvent) => void | Promise<void>) | undefined;
  logger: Logger;
}

/** The download path of a call's recording. */
export const recordingUrl = (callId: string) =>
  `/api/calls/${encodeURIComponent(callId)}/recording`;

/**
 * Makes a recording change known everywhere at once: the live call (so a reloading party's
 * `sync` sees it), the recording index (what the call log and downloads read), both parties
 * (`recording-changed`), and, once the file exists, the host (`recording.ready`).
 */
export class RecordingPublisher {
  constructor(private readonly deps: RecordingPublisherDeps) {}

  /** Returns whether the call was still active (its live record now carries `recording`). */
  async publish(record: CallRecord, recording: CallRecording, by: string): Promise<boolean> {
    const { call, tenant } = record;
    const live = await this.deps.registry.transition(call.id, 'active', (cur) => ({
      ...cur,
      call: { ...cur.call, recording },
    }));
    await this.deps.index.put({
      callId: call.id,
      tenant,
      parties: [call.from.id, call.to.id],
      media: record.media,
      recording,
    });
    const payload = {
      callId: call.id,
      recording: recording.status === 'recording',
      by,
      state: recording,
    };
    this.deps.emitter.toUser(tenant, call.from.id, 'recording-changed', payload);
    this.deps.emitter.toUser(tenant, call.to.id, 'recording-changed', payload);
    return live !== undefined;
  }

  /** The file is finalised (`undefined`: no audio arrived): record it and tell the host. */
  async fileReady(
    record: CallRecord,
    recording: CallRecording,
    file: FinishedFile | undefined,
  ): Promise<void> {
    const callId = record.call.id;
    if (!file) {
      this.deps.logger.warn({ callId }, 'recording stopped without any audio');
      return;
    }
    const withFile: CallRecording = {
      ...recording,
      file: {
        url: recordingUrl(callId),
        mimeType: RECORDING_MIME,
        durationMs: file.durationMs,
        size: file.size,
        sha256: file.sha256,
        partial: recording.status === 'failed',
      },
    };
    await this.publish(record, withFile, recording.stoppedBy ?? recording.startedBy);
    this.deps.logger.info(
      { callId, durationMs: file.durationMs, size: file.size, partial: withFile.file?.partial },
      'recording ready',
    );
    const onEvent = this.deps.onEvent;
    if (!onEvent) return;
    const call: CallInfo = {
      ...((await this.deps.registry.get(callId))?.call ??
        (await this.deps.callLog.get(callId))?.call ??
        record.call),
      recording: withFile,
    };
    const event: CallEvent = {
      id: randomUUID(),
      type: 'recording.ready',
      call,
      tenant: record.tenant,
      at: Date.now(),
    };
    void Promise.resolve()
      .then(() => onEvent(event))
      .catch((err: unknown) => this.deps.logger.error({ err }, 'onCallEvent hook failed'));
  }
}
