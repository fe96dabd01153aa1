import type { MediaSession } from '../media/session';
import type { RecorderHandle } from './p2p-recorder';

/**
 * Runs a call's browser recorder (P2P calls, on the party that uploads) while the call says it
 * should: starts it (loading its code on first use), feeds it the peer's new stream after the
 * peer reloaded, and stops it, which sends its last chunk.
 */
export class RecorderRunner {
  private recorder: Promise<RecorderHandle | null> | null = null;

  constructor(
    private readonly start: (
      session: MediaSession,
      onError: (err: unknown) => void,
    ) => Promise<RecorderHandle>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Starts the recorder when `run` and it is not running; stops it when not `run`. */
  sync(run: boolean, session: MediaSession | null): void {
    if (!run || !session) return this.stop();
    this.recorder ??= this.start(session, this.onError).catch((err: unknown) => {
      this.onError(err);
      return null;
    });
  }

  setRemote(stream: MediaStream | null): void {
    void this.recorder?.then((r) => r?.setRemote(stream));
  }

  stop(): void {
    const recorder = this.recorder;
    this.recorder = null;
    // The last chunk goes out after the call ended too: the server waits for it.
    void recorder?.then((r) => r?.stop()).catch(() => undefined);
  }
}
