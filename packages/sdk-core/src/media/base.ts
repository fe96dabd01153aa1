import { TypedEmitter } from '../emitter';
import { SynapseError, toSynapseError } from '../errors';
import type { MediaKind, MediaSignal } from '@synapse-calling/protocol';
import type { CallQuality } from '../types';
import { getMicrophone, onDevicesChanged } from './devices';
import { RemoteAudio } from './remote-audio';
import type { MediaSession, MediaSessionEvents } from './session';

export interface BaseSessionOptions {
  /** The microphone track, already opened (so permission errors surface before ringing). */
  track: MediaStreamTrack;
  constraints: MediaTrackConstraints;
  muted: boolean;
  outputDeviceId?: string;
  /**
   * Give up (`failed`) when media has been `reconnecting` for this long; unset waits forever.
   * The Call then ends `disconnected`, as the server would for a dropped signalling connection.
   */
  reconnectTimeoutMs?: number;
}

/**
 * What both media implementations share: the microphone (mute, switching, falling back to the
 * default device when the current one is unplugged) and remote playback. Subclasses only say
 * how a new microphone track reaches the peer (`replaceTrack`) and how they connect.
 */
export abstract class BaseSession extends TypedEmitter<MediaSessionEvents> implements MediaSession {
  abstract readonly kind: MediaKind;
  // @internal Public for the LiveKit room wiring (`livekit-room.ts`, the livekit-client chunk).
  track: MediaStreamTrack;
  muted: boolean;
  readonly remote = new RemoteAudio();
  closed = false;
  private currentQuality: CallQuality = 'unknown';
  private isReconnecting = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly cleanups: (() => void)[] = [];
  private switching: Promise<void> = Promise.resolve();

  constructor(protected readonly base: BaseSessionOptions) {
    super();
    this.track = base.track;
    this.muted = base.muted;
    this.track.enabled = !this.muted;
    this.remote.on('audioBlockedChanged', (b) => this.emit('audioBlockedChanged', b));
    this.remote.on('audioLevel', (l) => this.emit('audioLevel', l));
    if (base.outputDeviceId) {
      this.remote.setOutputDevice(base.outputDeviceId).catch((err: unknown) => {
        this.emit('error', toSynapseError(err, 'media-failed'));
      });
    }
    this.watchTrack(this.track);
    this.cleanups.push(onDevicesChanged(({ inputs }) => this.onDevicesChanged(inputs)));
  }

  get remoteStream(): MediaStream | null {
    return this.remote.remoteStream;
  }

  get audioBlocked(): boolean {
    return this.remote.audioBlocked;
  }

  get quality(): CallQuality {
    return this.currentQuality;
  }

  /** The microphone track being sent (for tests and advanced UIs). */
  get localTrack(): MediaStreamTrack {
    return this.track;
  }

  abstract start(): Promise<void>;
  protected abstract replaceTrack(track: MediaStreamTrack): Promise<void>;
  protected abstract shutdown(): void;

  handleSignal(_signal: MediaSignal): void {}
  handleSignalingReconnected(): void {}

  setMuted(muted: boolean): void {
    this.muted = muted;
    // Disabling the track sends silence without renegotiation and keeps the device open, so
    // unmuting is instant.
    this.track.enabled = !muted;
  }

  setInputDevice(deviceId: string): Promise<void> {
    // Serialised: two quick switches must not leave an orphaned open microphone.
    const next = this.switching.then(() => this.switchInput(deviceId));
    this.switching = next.catch(() => undefined);
    return next;
  }

  async setOutputDevice(deviceId: string): Promise<void> {
    await this.remote.setOutputDevice(deviceId);
  }

  async startAudio(): Promise<void> {
    await this.remote.start();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.shutdown();
    this.track.stop();
    this.remote.close();
    this.removeAll();
  }

  /** @internal */
  setQuality(quality: CallQuality): void {
    if (quality === this.currentQuality) return;
    this.currentQuality = quality;
    this.emit('qualityChanged', quality);
  }

  /**
   * Enters or leaves `reconnecting` (events `reconnecting` / `reconnected`), and runs the
   * reconnect window: still reconnecting when it runs out, the session fails.
   */
  /** @internal */
  setReconnecting(reconnecting: boolean): void {
    if (reconnecting === this.isReconnecting || this.closed) return;
    this.isReconnecting = reconnecting;
    clearTimeout(this.reconnectTimer);
    if (!reconnecting) {
      this.emit('reconnected');
      return;
    }
    this.setQuality('lost');
    this.emit('reconnecting');
    const windowMs = this.base.reconnectTimeoutMs;
    if (windowMs === undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.fail(new SynapseError('media-failed', `Media did not come back within ${windowMs} ms`));
    }, windowMs);
  }

  /** @internal */
  fail(err: SynapseError): void {
    if (this.closed) return;
    this.emit('failed', err);
  }

  private async switchInput(deviceId: string): Promise<void> {
    if (this.closed) return;
    const track = await getMicrophone(deviceId, this.base.constraints);
    if (this.closed) {
      track.stop();
      return;
    }
    track.enabled = !this.muted;
    try {
      await this.replaceTrack(track);
    } catch (err) {
      track.stop();
      throw toSynapseError(err, 'media-failed');
    }
    const old = this.track;
    this.track = track;
    this.watchTrack(track);
    old.stop();
  }

  private watchTrack(track: MediaStreamTrack): void {
    // A track ends by itself when its device disappears; carry on with the default device.
    track.addEventListener('ended', () => {
      if (this.closed || track !== this.track) return;
      this.setInputDevice('default').catch((err: unknown) =>
        this.emit('error', toSynapseError(err, 'media-failed')),
      );
    });
  }

  private onDevicesChanged(inputs: { deviceId: string }[]): void {
    const current = this.track.getSettings().deviceId;
    if (!current || inputs.some((d) => d.deviceId === current)) return;
    this.setInputDevice('default').catch((err: unknown) =>
      this.emit('error', toSynapseError(err, 'media-failed')),
    );
  }
}
