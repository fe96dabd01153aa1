import { createHash } from 'node:crypto';
import type { RecordingKey, RecordingStore } from '../stores/types';
import { OggOpusWriter } from './ogg-opus';

/** Name of the finished file of every recording. */
export const RECORDING_FILE = 'recording.ogg';
export const RECORDING_MIME = 'audio/ogg; codecs=opus';

/** What a finished file is, as the index and the call log describe it. */
export interface FinishedFile {
  durationMs: number;
  size: number;
  sha256: string;
}

/**
 * The Ogg Opus file of one recording being written to the store as it is made, with its
 * checksum computed on the way. Used by the LiveKit recorder (live) and by the P2P finaliser
 * (remuxed chunks).
 */
export class OggFileSink {
  private readonly hash = createHash('sha256');
  readonly ogg: OggOpusWriter;

  private constructor(
    private readonly stream: NodeJS.WritableStream,
    head: Uint8Array,
  ) {
    this.ogg = new OggOpusWriter((page) => {
      this.hash.update(page);
      stream.write(page);
    }, head);
  }

  static async open(
    store: RecordingStore,
    key: RecordingKey,
    head: Uint8Array,
  ): Promise<OggFileSink> {
    return new OggFileSink(await store.openWrite(key, RECORDING_FILE), head);
  }

  /** Ends the stream, waits until the file is written, and describes it. */
  async finish(): Promise<FinishedFile> {
    this.ogg.end();
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
    return {
      durationMs: this.ogg.durationMs,
      size: this.ogg.bytes,
      sha256: this.hash.digest('hex'),
    };
  }
}
