import type { Media, MediaSignal } from '@synapse-calling/protocol';
import type { SynapseError } from '../errors';
import type { CreateMediaSession } from './session-factory';
import type { MediaSession } from './session';

export interface ConsultLinkDeps {
  callId: string;
  createSession: CreateMediaSession;
  acquireMicrophone(deviceId: string | undefined): Promise<MediaStreamTrack>;
  inputDeviceId(): string | undefined;
  /**
   * A problem of the consultation's media (the call itself goes on). Not a SynapseError yet:
   * the errors module stays out of this lazy chunk.
   */
  onError(err: SynapseError | unknown): void;
  /** Something observable changed (connected, closed). */
  changed(): void;
}

/**
 * The transferring agent's side of a warm transfer's consultation (docs/lines.md, "Warm
 * transfer"): a second media session beside the call's, to the transfer's target (P2P: a second
 * peer connection whose signals carry `consult: true`; LiveKit: the consult room). Signals that
 * arrive before it started wait for it.
 */
export class ConsultLink {
  private session: MediaSession | null = null;
  private pending: MediaSignal[] = [];
  private closed = false;
  private up = false;

  constructor(private readonly deps: ConsultLinkDeps) {}

  /** Whether the consultation's media is up (the agents hear each other). */
  get connected(): boolean {
    return this.up;
  }

  /** The target's audio, for analysis (the session already plays it). */
  get remoteStream(): MediaStream | null {
    return this.session?.remoteStream ?? null;
  }

  async start(media: Media): Promise<void> {
    if (this.session || this.closed) return;
    let track: MediaStreamTrack;
    try {
      track = await this.deps.acquireMicrophone(this.deps.inputDeviceId());
    } catch (err) {
      return this.deps.onError(err);
    }
    if (this.closed) return track.stop();
    const call = { id: this.deps.callId, muted: false, consult: true };
    const session = this.deps.createSession(call, media, track, false);
    this.session = session;
    session.on('connected', () => {
      this.up = true;
      this.deps.changed();
    });
    session.on('failed', (err) => this.deps.onError(err));
    session.on('error', (err) => this.deps.onError(err));
    for (const signal of this.pending.splice(0)) session.handleSignal(signal);
    try {
      await session.start();
    } catch (err) {
      this.deps.onError(err);
    }
  }

  /** A `media-signal` of the consultation (`consult: true`). */
  handleSignal(signal: MediaSignal): void {
    if (this.session) this.session.handleSignal(signal);
    else if (!this.closed) this.pending.push(signal);
  }

  /** The consultation ended (completed, cancelled, the call ended). Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.session?.close();
    this.session = null;
    if (this.up) {
      this.up = false;
      this.deps.changed();
    }
  }
}
