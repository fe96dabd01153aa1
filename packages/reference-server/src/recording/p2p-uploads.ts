import { fail } from '../errors';
import { KeyedQueue } from '../keyed-queue';
import type { RecordingKey, RecordingStore } from '../stores/types';
import { OggFileSink, type FinishedFile } from './file-sink';
import { opusHead } from './ogg-opus';
import { demuxWebmOpus, startsWithEbml } from './webm-opus';

/** `chunk-p0001-s000042.webm`: part 1 (one MediaRecorder session), chunk 42 of it. */
const CHUNK = /^chunk-p(\d{4})-s(\d{6})\.webm$/;
const chunkName = (part: number, seq: number) =>
  `chunk-p${String(part).padStart(4, '0')}-s${String(seq).padStart(6, '0')}.webm`;

export const MAX_PARTS = 9999;
export const MAX_CHUNKS_PER_PART = 999_999;

interface Progress {
  /** Next sequence number expected in each part. */
  next: Map<number, number>;
  /** Parts whose last chunk arrived. */
  closed: Set<number>;
  bytes: number;
}

/**
 * The chunks a recording browser uploads during a P2P call (the server is not in the media
 * path), and turning them into the recording's file. Each MediaRecorder session is a part; its
 * chunks are stored as objects named by part and sequence number, so a retried upload rewrites
 * the same object (idempotent) and nothing depends on memory: after a restart the progress is
 * read back from the store. A reload of the recording page starts a new part and loses at most
 * the chunk that was in flight.
 */
export class P2PUploads {
  private readonly progress = new Map<string, Progress>();
  private readonly queue = new KeyedQueue();
  private readonly waiters = new Map<string, () => void>();

  constructor(
    private readonly store: RecordingStore,
    private readonly maxBytes: number,
  ) {}

  /** Starts a new part (a new MediaRecorder session) and returns its number. */
  newPart(key: RecordingKey): Promise<number> {
    return this.queue.run(key.callId, async () => {
      const progress = await this.load(key);
      const part = Math.max(-1, ...progress.next.keys()) + 1;
      if (part > MAX_PARTS) throw fail.tooLarge('too many recording parts');
      progress.next.set(part, 0);
      return part;
    });
  }

  /**
   * Stores chunk `seq` of `part`. A chunk already stored is acknowledged again (a retry); one
   * that skips ahead, exceeds the limits, or does not start a part as WebM is refused and not
   * stored. Returns the next sequence number expected.
   */
  putChunk(
    key: RecordingKey,
    part: number,
    seq: number,
    data: Uint8Array,
    last: boolean,
  ): Promise<number> {
    return this.queue.run(key.callId, async () => {
      const progress = await this.load(key);
      const next = progress.next.get(part);
      if (next === undefined) throw fail.invalidState(`recording part ${part} was not started`);
      if (seq < next) return next;
      if (seq > next) throw fail.invalidState(`expected chunk ${next} of part ${part}`);
      if (progress.closed.has(part)) throw fail.invalidState(`part ${part} is complete`);
      if (seq >= MAX_CHUNKS_PER_PART) throw fail.tooLarge('too many chunks in one part');
      if (data.length === 0) {
        // An empty last chunk only says the part is complete.
        this.close(key.callId, progress, part);
        return next;
      }
      if (seq === 0 && !startsWithEbml(data)) {
        throw fail.invalidPayload('a recording part must start with a WebM header');
      }
      if (progress.bytes + data.length > this.maxBytes) {
        throw fail.tooLarge(`the recording may not exceed ${this.maxBytes} bytes`);
      }
      await this.store.put(key, chunkName(part, seq), data);
      progress.bytes += data.length;
      progress.next.set(part, seq + 1);
      if (last) this.close(key.callId, progress, part);
      return seq + 1;
    });
  }

  /**
   * Resolves once the newest part's last chunk arrived, or after `timeoutMs` (the uploader
   * went away). Only this node's uploads are seen; with several nodes it is the timeout.
   */
  async waitComplete(key: RecordingKey, timeoutMs: number): Promise<void> {
    const done = async () => {
      const progress = await this.load(key);
      const newest = Math.max(-1, ...progress.next.keys());
      return newest < 0 || progress.closed.has(newest);
    };
    if (await done()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      timer.unref();
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.set(key.callId, () => void done().then((yes) => yes && finish()));
    });
    this.waiters.delete(key.callId);
  }

  /**
   * Remuxes every part, in order, into the recording's Ogg Opus file and deletes the chunks.
   * `undefined` when no audio arrived at all.
   */
  finalise(key: RecordingKey): Promise<FinishedFile | undefined> {
    return this.queue.run(key.callId, async () => {
      const names = (await this.store.list(key)).filter((n) => CHUNK.test(n));
      const parts = new Map<number, string[]>();
      for (const name of names) {
        const part = Number(CHUNK.exec(name)?.[1]);
        parts.set(part, [...(parts.get(part) ?? []), name]);
      }
      let sink: OggFileSink | undefined;
      for (const part of [...parts.keys()].sort((a, b) => a - b)) {
        const bytes = await this.readAll(key, parts.get(part) ?? []);
        const { head, packets } = demuxWebmOpus(bytes);
        if (packets.length === 0) continue;
        sink ??= await OggFileSink.open(this.store, key, head ?? opusHead(1));
        for (const packet of packets) sink.ogg.addPacket(packet);
      }
      const file = await sink?.finish();
      for (const name of names) await this.store.remove(key, name);
      this.progress.delete(key.callId);
      return file;
    });
  }

  private close(callId: string, progress: Progress, part: number): void {
    progress.closed.add(part);
    this.waiters.get(callId)?.();
  }

  /** Forgets this node's view of the call (after finalising, or when the call's files go). */
  forget(callId: string): void {
    this.progress.delete(callId);
  }

  private async load(key: RecordingKey): Promise<Progress> {
    const known = this.progress.get(key.callId);
    if (known) return known;
    const progress: Progress = { next: new Map(), closed: new Set(), bytes: 0 };
    for (const name of await this.store.list(key)) {
      const match = CHUNK.exec(name);
      if (!match) continue;
      const part = Number(match[1]);
      const seq = Number(match[2]);
      progress.next.set(part, Math.max(progress.next.get(part) ?? 0, seq + 1));
      progress.bytes += (await this.store.size(key, name)) ?? 0;
    }
    this.progress.set(key.callId, progress);
    return progress;
  }

  private async readAll(key: RecordingKey, names: string[]): Promise<Uint8Array> {
    const buffers: Buffer[] = [];
    for (const name of names) {
      for await (const chunk of this.store.read(key, name)) {
        buffers.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
      }
    }
    return Buffer.concat(buffers);
  }
}
