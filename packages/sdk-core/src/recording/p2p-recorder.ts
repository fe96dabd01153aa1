import type { RestClient } from '../rest';
import type { MediaSession } from '../media/session';

/** MediaRecorder hands out a chunk this often; a reload loses at most about this much. */
export const CHUNK_MS = 1000;
/** Mono speech: clear at this rate, about 4 KB a second. */
const BITS_PER_SECOND = 32_000;
const MAX_BACKOFF_MS = 5_000;

/** A running recorder, as the Call holds it. */
export interface RecorderHandle {
  /** The peer's audio changed (its page reloaded and a new connection came up). */
  setRemote(stream: MediaStream | null): void;
  /** Stops recording, uploads what is left (the last chunk marked) and resolves when sent. */
  stop(): Promise<void>;
}

export interface RecorderOptions {
  callId: string;
  session: MediaSession;
  rest: Pick<RestClient, 'recordingPart' | 'recordingChunk'>;
  /** Told when uploading gave up (the server refused); the call goes on. */
  onError: (err: unknown) => void;
}

/**
 * Records a P2P call in the browser (no server is in the media path): the microphone and the
 * peer's audio mixed with Web Audio, `MediaRecorder` to WebM Opus, and every chunk uploaded while
 * the call runs. Uploads are idempotent by sequence number and retried until the server has
 * them, so a network blip loses nothing; a reload loses at most the chunk in flight (on the way
 * out the page sends what it has with `keepalive`), and the resumed call starts a new part.
 * Loaded on demand: only the party that records downloads it.
 */
export async function startP2PRecorder(options: RecorderOptions): Promise<RecorderHandle> {
  const { callId, session, rest } = options;
  const context = new AudioContext({ sampleRate: 48_000 });
  // After a reload there was no click yet: the context waits for the first one.
  const resume = () => void context.resume().catch(() => undefined);
  if (context.state === 'suspended') {
    resume();
    for (const type of ['pointerdown', 'keydown']) {
      document.addEventListener(type, resume, { once: true, capture: true });
    }
  }
  const destination = context.createMediaStreamDestination();
  destination.channelCount = 1;
  const connect = (stream: MediaStream | null) => {
    if (!stream || stream.getAudioTracks().length === 0) return null;
    const source = context.createMediaStreamSource(stream);
    source.connect(destination);
    return source;
  };
  connect(new MediaStream([session.localTrack]));
  let remote = connect(session.remoteStream);

  const { part } = await rest.recordingPart(callId);
  const mimeType = ['audio/webm;codecs=opus', 'audio/webm'].find((t) =>
    MediaRecorder.isTypeSupported(t),
  );
  const recorder = new MediaRecorder(destination.stream, {
    audioBitsPerSecond: BITS_PER_SECOND,
    ...(mimeType ? { mimeType } : {}),
  });

  const queue: { seq: number; data: Blob; last: boolean }[] = [];
  let seq = 0;
  let sending: Promise<void> | null = null;
  let stopped = false;
  let failed = false;
  let finalChunk: () => void = () => undefined;
  const finalised = new Promise<void>((resolve) => (finalChunk = resolve));

  const pump = (): Promise<void> =>
    (sending ??= (async () => {
      for (let attempt = 0; queue.length > 0 && !failed;) {
        const chunk = queue[0];
        try {
          await rest.recordingChunk(callId, part, chunk.seq, chunk.data, chunk.last);
          queue.shift();
          attempt = 0;
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          // The server refused for good (the recording stopped, a limit): stop trying.
          if (code !== 'not-connected' && code !== 'internal' && code !== 'rate-limited') {
            failed = true;
            options.onError(err);
            break;
          }
          await new Promise((r) => setTimeout(r, Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt++)));
        }
      }
      sending = null;
    })());

  recorder.ondataavailable = ({ data }) => {
    if (data.size === 0 && !stopped) return;
    queue.push({ seq: seq++, data, last: stopped });
    void pump();
  };
  recorder.onstop = () => finalChunk();

  // The page is going away (reload, tab closed): what is queued goes out with keepalive.
  const leaving = () => {
    for (const chunk of queue.splice(0)) {
      void rest.recordingChunk(callId, part, chunk.seq, chunk.data, false, true).catch(() => {});
    }
  };
  window.addEventListener('pagehide', leaving);
  recorder.start(CHUNK_MS);

  return {
    setRemote(stream) {
      remote?.disconnect();
      remote = connect(stream);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      window.removeEventListener('pagehide', leaving);
      if (recorder.state !== 'inactive') {
        recorder.stop();
        await finalised;
      }
      // The last chunk (marked) went into the queue with recorder.stop()'s final data.
      await pump();
      await context.close().catch(() => undefined);
    },
  };
}
