import type { AudioFrame, RemoteParticipant, RemoteTrack, Room } from '@livekit/rtc-node';
import type { Logger } from 'pino';
import type { OpusScriptClass, RtcNode } from '../optional-deps';
import type { RecordingKey, RecordingStore } from '../stores/types';
import { OggFileSink, type FinishedFile } from './file-sink';
import { WallClockMixer } from './mixer';
import { opusHead, OPUS_SAMPLE_RATE } from './ogg-opus';

/** 20 ms frames: what Opus encodes best for speech. */
const FRAME_SAMPLES = OPUS_SAMPLE_RATE / 50;
/** Mixing trails the wall clock by this much, so each party's frames have arrived. */
const LATENCY_MS = 150;
const TICK_MS = 20;
/** Speech at this rate is clear, and an hour of mono takes about 11 MB. */
const BITRATE = 24_000;

export interface LiveKitRecorderDeps {
  rtc: RtcNode;
  OpusScript: OpusScriptClass;
  store: RecordingStore;
  key: RecordingKey;
  /** LiveKit URL and a token with a hidden, subscribe-only recorder grant for the call's room. */
  url: string;
  token: string;
  /** Largest file; reaching it stops the recording as failed. */
  maxBytes: number;
  logger: Logger;
  /** The recorder stopped by itself (the room went away, a write failed, the size limit). */
  onFailure: (err: Error) => void;
}

/**
 * Records a LiveKit call from the SFU: a hidden participant (the `recorder` grant, which LiveKit
 * does not count against the room's two participants and shows to nobody) subscribes to both
 * parties' audio, mixes it on the wall clock and encodes Ogg Opus into the recording store as it
 * goes. Neither browser takes part.
 */
export class LiveKitRecorder {
  private room: Room | undefined;
  private sink: OggFileSink | undefined;
  private encoder: InstanceType<OpusScriptClass> | undefined;
  private readonly mixer = new WallClockMixer(FRAME_SAMPLES);
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private produced = 0;
  private stopping = false;
  private failed = false;

  constructor(private readonly deps: LiveKitRecorderDeps) {}

  /** Joins the room and starts capturing; resolves once audio is being written. */
  async start(): Promise<void> {
    const { rtc, OpusScript } = this.deps;
    this.encoder = new OpusScript(OPUS_SAMPLE_RATE, 1, OpusScript.Application.VOIP);
    this.encoder.setBitrate(BITRATE);
    this.sink = await OggFileSink.open(this.deps.store, this.deps.key, opusHead(1));
    const room = new rtc.Room();
    this.room = room;
    room.on(rtc.RoomEvent.TrackSubscribed, (track, _publication, participant) => {
      this.listen(track, participant);
    });
    room.on(rtc.RoomEvent.TrackUnsubscribed, (track, _publication, participant) => {
      this.mixer.remove(sourceOf(track, participant));
    });
    room.on(rtc.RoomEvent.Disconnected, (reason) => {
      // The room is deleted when the call ends: the stop that follows closes the file.
      if (this.stopping || reason === rtc.DisconnectReason.ROOM_DELETED) return;
      this.fail(new Error(`the recorder was disconnected from the room (${reason})`));
    });
    await room.connect(this.deps.url, this.deps.token, { autoSubscribe: true, dynacast: false });
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(Date.now() - LATENCY_MS), TICK_MS);
  }

  /** Stops capturing, writes what is left and closes the file. */
  async stop(): Promise<FinishedFile> {
    this.stopping = true;
    clearInterval(this.timer);
    if (!this.failed) this.tick(Date.now());
    const room = this.room;
    this.room = undefined;
    await room?.disconnect().catch(() => undefined);
    this.encoder?.delete();
    this.encoder = undefined;
    if (!this.sink) throw new Error('the recorder never started');
    return this.sink.finish();
  }

  /** Encodes every frame due by `until` (ms since the epoch). */
  private tick(until: number): void {
    if (!this.sink || !this.encoder || this.failed) return;
    const due = Math.floor(((until - this.startedAt) * OPUS_SAMPLE_RATE) / 1000);
    try {
      while (this.produced + FRAME_SAMPLES <= due) {
        const pcm = this.mixer.nextFrame();
        const packet = this.encoder.encode(
          Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength),
          FRAME_SAMPLES,
        );
        // opusscript hands out a view of its WebAssembly memory: copy before the next encode.
        this.sink.ogg.addPacket(Uint8Array.from(packet));
        this.produced += FRAME_SAMPLES;
      }
      this.sink.ogg.flush();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)), false);
      return;
    }
    if (this.sink.ogg.bytes > this.deps.maxBytes) {
      this.fail(new Error('the recording reached its maximum size'), false);
    }
  }

  private listen(track: RemoteTrack, participant: RemoteParticipant): void {
    const { rtc } = this.deps;
    if (track.kind !== rtc.TrackKind.KIND_AUDIO) return;
    const source = sourceOf(track, participant);
    const stream = new rtc.AudioStream(track, OPUS_SAMPLE_RATE, 1);
    void (async () => {
      const reader = stream.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done || this.stopping) break;
          this.mixer.push(source, monoOf(value));
        }
      } catch (err) {
        this.deps.logger.debug({ err, source }, 'recorder: an audio stream ended');
      } finally {
        reader.releaseLock();
      }
    })();
  }

  /** `flush`: write the audio due so far first (not when writing is what failed). */
  private fail(err: Error, flush = true): void {
    if (this.failed || this.stopping) return;
    if (flush) this.tick(Date.now());
    this.failed = true;
    clearInterval(this.timer);
    this.deps.onFailure(err);
  }
}

function sourceOf(track: RemoteTrack, participant: RemoteParticipant): string {
  return `${participant.identity}/${track.sid ?? ''}`;
}

/** The frame's samples (asked for mono; a stereo frame is averaged down). */
function monoOf(frame: AudioFrame): Int16Array {
  if (frame.channels === 1) return Int16Array.from(frame.data);
  const out = new Int16Array(frame.samplesPerChannel);
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let c = 0; c < frame.channels; c++) sum += frame.data[i * frame.channels + c];
    out[i] = Math.round(sum / frame.channels);
  }
  return out;
}
