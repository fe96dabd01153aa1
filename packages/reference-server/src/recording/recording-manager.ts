import type { Logger } from 'pino';
import type {
  CallInfo,
  CallRecording,
  MediaKind,
  Party,
  RecordingConsentPayload,
} from '@synapse-calling/protocol';
import type { Actor } from '../calls/actor';
import type { CallEmitter } from '../calls/call-events';
import type { CallLifecycle } from '../calls/lifecycle';
import { sideOf } from '../calls/sides';
import { fail } from '../errors';
import { KeyedQueue } from '../keyed-queue';
import type { CanRecord, TenantSetting } from '../options';
import type { CallRecord, CallRegistry } from '../stores/types';
import type { ActiveCapture, CaptureBackend } from './capture';
import type { FinishedFile } from './file-sink';
import type { RecordingPublisher } from './publisher';

export interface RecordingManagerDeps {
  registry: CallRegistry;
  publisher: RecordingPublisher;
  /** How each media mode captures; a mode without one cannot be recorded. */
  captures: Partial<Record<MediaKind, CaptureBackend>>;
  emitter: Pick<CallEmitter, 'toUser'>;
  canRecord: CanRecord;
  requireConsent: TenantSetting;
  auto: TenantSetting;
  logger: Logger;
}

const LIVE = new Set(['recording', 'consent-pending']);

const setting = async (value: TenantSetting, tenant: string): Promise<boolean> =>
  typeof value === 'function' ? value(tenant) : value;

/**
 * Call recording's state machine: start (or ask for consent first), consent, stop, and what
 * happens when the call becomes active (automatic recording) and ends (the capture stops and
 * the file is finalised). The call goes on whatever happens here: a failed recorder only marks
 * the recording `failed`. Every step on one call runs in order (a per-call queue), so a stop or
 * the call's end never overtakes a start still joining the room.
 */
export class RecordingManager implements CallLifecycle {
  private readonly live = new Map<string, { capture: ActiveCapture; media: MediaKind }>();
  private readonly queue = new KeyedQueue();
  /** Files being finalised, awaited by `close()`. */
  private readonly finishing = new Set<Promise<void>>();

  constructor(private readonly deps: RecordingManagerDeps) {}

  /** `start-recording`: records now, or asks the other party first when consent is required. */
  start(actor: Actor, { callId }: { callId: string }): Promise<{ recording: CallRecording }> {
    return this.queue.run(callId, async () => {
      const record = await this.activeCall(actor, callId);
      await this.mayRecord(actor, record);
      const current = record.call.recording;
      if (current && LIVE.has(current.status)) return { recording: current };
      if (current?.startedAt !== undefined) {
        throw fail.invalidState('this call was already recorded; one recording per call');
      }
      return { recording: await this.begin(record, actor.identity.userId) };
    });
  }

  /** `stop-recording`: stops capturing (or withdraws a request still waiting for consent). */
  stop(actor: Actor, { callId }: { callId: string }): Promise<{ recording: CallRecording }> {
    return this.queue.run(callId, async () => {
      const record = await this.activeCall(actor, callId);
      await this.mayRecord(actor, record);
      const current = record.call.recording;
      if (!current || !LIVE.has(current.status)) {
        throw fail.invalidState('the call is not being recorded');
      }
      return { recording: await this.finish(record, 'stopped', actor.identity.userId) };
    });
  }

  /** `recording-consent`: the party asked accepts (recording starts) or declines (logged). */
  consent(actor: Actor, { callId, accept }: RecordingConsentPayload) {
    return this.queue.run(callId, async (): Promise<{ recording: CallRecording }> => {
      const record = await this.activeCall(actor, callId);
      const current = record.call.recording;
      const me = actor.identity.userId;
      if (current?.status !== 'consent-pending' || current.consentFrom !== me) {
        throw fail.invalidState('no recording is waiting for your consent');
      }
      if (accept) return { recording: await this.capture(record, current.startedBy) };
      this.deps.logger.info(
        { callId, tenant: record.tenant, by: me, askedBy: current.startedBy },
        'recording declined',
      );
      const declined: CallRecording = {
        status: 'declined',
        startedBy: current.startedBy,
        stoppedBy: me,
        stoppedAt: Date.now(),
      };
      await this.deps.publisher.publish(record, declined, me);
      return { recording: declined };
    });
  }

  // --- CallLifecycle ----------------------------------------------------------------------

  /** Automatic recording: the tenant's setting, or `metadata.record` from an allowed caller. */
  callActive(record: CallRecord): void {
    void this.queue
      .run(record.call.id, async () => {
        const caller = { ...record.call.from, tenant: record.tenant };
        const asked =
          record.call.metadata?.record === true &&
          (await this.deps.canRecord(caller, { ...record.call, tenant: record.tenant }));
        if (!asked && !(await setting(this.deps.auto, record.tenant))) return;
        const current = await this.deps.registry.get(record.call.id);
        if (current?.call.state !== 'active' || current.call.recording) return;
        await this.begin(current, agentOf(current.call).id);
      })
      .catch((err: unknown) => {
        this.deps.logger.error({ err, callId: record.call.id }, 'automatic recording failed');
      });
  }

  ending(call: CallInfo, at: number): CallInfo {
    const recording = call.recording;
    if (!recording || !LIVE.has(recording.status)) return call;
    const { consentFrom: _asked, ...rest } = recording;
    return { ...call, recording: { ...rest, status: 'stopped', stoppedAt: at } };
  }

  callEnded(record: CallRecord): void {
    void this.queue
      .run(record.call.id, async () => {
        const recording = record.call.recording;
        if (!recording) return;
        const live = this.live.get(record.call.id);
        this.live.delete(record.call.id);
        await this.deps.publisher.publish(record, recording, recording.startedBy);
        if (live) this.finalise(record, recording, live.capture);
      })
      .catch((err: unknown) => {
        this.deps.logger.error({ err, callId: record.call.id }, 'ending a recording failed');
      });
  }

  // --- for the server ---------------------------------------------------------------------

  /** Whether `callId` is being captured by this node (P2P: uploads are being accepted). */
  capturing(callId: string): boolean {
    return this.live.has(callId);
  }

  /** The P2P uploader went over a limit: the recording fails (the call goes on). */
  uploadFailed(callId: string): Promise<void> {
    return this.failed(callId, new Error('the uploaded recording exceeded its limits'));
  }

  /**
   * Carries on a P2P recording after a restart: its browser kept recording and uploads again
   * once the server is back; the call's end finalises it as usual.
   */
  async adopt(record: CallRecord, recording: CallRecording): Promise<void> {
    const backend = this.deps.captures.p2p;
    if (!backend) return;
    const capture = await backend.begin(record, () => undefined);
    this.live.set(record.call.id, { capture, media: 'p2p' });
    await this.deps.publisher.publish(record, recording, recording.startedBy);
  }

  /**
   * Stops the captures this node runs (LiveKit recorders), finalising what was written, and
   * waits for the files. P2P recordings stay `recording`: their browsers upload to the next
   * process (`adopt`).
   */
  async close(): Promise<void> {
    const recorders = [...this.live].filter(([, live]) => live.media === 'livekit');
    await Promise.all(
      recorders.map(([callId]) => this.failed(callId, new Error('the server is shutting down'))),
    );
    await Promise.allSettled([...this.finishing]);
  }

  private async failed(callId: string, err: Error): Promise<void> {
    await this.queue.run(callId, async () => {
      const record = await this.deps.registry.get(callId);
      if (!record || !this.live.has(callId)) return;
      this.deps.logger.warn({ err, callId }, 'recording failed; the call goes on');
      await this.finish(record, 'failed', undefined);
    });
  }

  /** Starts recording for `startedBy`: asks for consent when required, else captures. */
  private async begin(record: CallRecord, startedBy: string): Promise<CallRecording> {
    const consentFrom = await this.consentFrom(record, startedBy);
    if (!consentFrom) return this.capture(record, startedBy);
    const pending: CallRecording = { status: 'consent-pending', startedBy, consentFrom };
    await this.deps.publisher.publish(record, pending, startedBy);
    return pending;
  }

  private async capture(record: CallRecord, startedBy: string): Promise<CallRecording> {
    const backend = this.deps.captures[record.media];
    if (!backend) throw fail.recordingNotAllowed('calls of this media mode cannot be recorded');
    const callId = record.call.id;
    let capture: ActiveCapture;
    try {
      capture = await backend.begin(record, (err) => void this.failed(callId, err));
    } catch (err) {
      this.deps.logger.error({ err, callId }, 'could not start recording');
      const failed: CallRecording = { status: 'failed', startedBy, stoppedAt: Date.now() };
      await this.deps.publisher.publish(record, failed, startedBy);
      throw fail.internal('could not start recording');
    }
    this.live.set(callId, { capture, media: record.media });
    const recording: CallRecording = {
      status: 'recording',
      startedBy,
      startedAt: Date.now(),
      ...(record.media === 'p2p' ? { uploader: uploaderOf(record.call, startedBy) } : {}),
    };
    const published = await this.deps.publisher.publish(record, recording, startedBy);
    if (!published) {
      // The call ended while the recorder joined; its end found nothing to stop yet.
      this.live.delete(callId);
      this.finalise(
        record,
        this.ending({ ...record.call, recording }, Date.now()).recording!,
        capture,
      );
    }
    return recording;
  }

  /** Stops the capture now; the file is finalised in the background (`recording.ready`). */
  private async finish(
    record: CallRecord,
    status: 'stopped' | 'failed',
    stoppedBy: string | undefined,
  ): Promise<CallRecording> {
    const current = record.call.recording as CallRecording;
    const { consentFrom: _asked, ...rest } = current;
    const recording: CallRecording = {
      ...rest,
      status,
      ...(stoppedBy ? { stoppedBy } : {}),
      stoppedAt: Date.now(),
    };
    const live = this.live.get(record.call.id);
    this.live.delete(record.call.id);
    await this.deps.publisher.publish(record, recording, stoppedBy ?? current.startedBy);
    if (live) this.finalise(record, recording, live.capture);
    return recording;
  }

  private finalise(record: CallRecord, recording: CallRecording, capture: ActiveCapture): void {
    const task = capture
      .finish()
      .then((file: FinishedFile | undefined) =>
        this.deps.publisher.fileReady(record, recording, file),
      )
      .catch((err: unknown) => {
        this.deps.logger.error({ err, callId: record.call.id }, 'finalising a recording failed');
      })
      .finally(() => this.finishing.delete(task));
    this.finishing.add(task);
  }

  private async consentFrom(record: CallRecord, startedBy: string): Promise<string | undefined> {
    const { from, to } = record.call;
    const other = from.id === startedBy ? to : from;
    if (other.role !== 'customer') return undefined;
    return (await setting(this.deps.requireConsent, record.tenant)) ? other.id : undefined;
  }

  private async activeCall(actor: Actor, callId: string): Promise<CallRecord> {
    const record = await this.deps.registry.get(callId);
    const { tenant, userId } = actor.identity;
    if (!record || record.tenant !== tenant || !sideOf(record, userId)) throw fail.notFound();
    if (record.call.state !== 'active') throw fail.invalidState('the call is not active');
    return record;
  }

  private async mayRecord(actor: Actor, record: CallRecord): Promise<void> {
    const { tenant, userId, name, role } = actor.identity;
    let allowed: boolean;
    try {
      allowed = await this.deps.canRecord(
        { id: userId, name, role, tenant },
        { ...record.call, tenant },
      );
    } catch (err) {
      this.deps.logger.error({ err }, 'canRecord hook failed');
      throw fail.internal('the recording policy failed');
    }
    if (!allowed) throw fail.recordingNotAllowed();
  }
}

/** The party recording on behalf of a call nobody started by hand: an agent if there is one. */
function agentOf(call: CallInfo): Party {
  return call.from.role === 'agent' || call.to.role !== 'agent' ? call.from : call.to;
}

/** P2P: the browser of whoever started the recording captures it (else an agent's). */
function uploaderOf(call: CallInfo, startedBy: string): string {
  return call.from.id === startedBy || call.to.id === startedBy ? startedBy : agentOf(call).id;
}
