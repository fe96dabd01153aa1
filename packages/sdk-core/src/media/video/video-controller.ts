import type { VideoSource } from '@synapse-calling/protocol';
import type { SynapseError, mediaError } from '../../errors';
import type { LiveKitSession, loadLiveKit } from '../livekit';
import type { P2PSession } from '../p2p';
import type { MediaSession } from '../session';
import { LiveKitVideoPublisher, P2PVideoPublisher, type VideoPublisher } from './publisher';

export interface VideoControllerDeps {
  /** The call's media session now (null before media started or after it ended). */
  session: () => MediaSession | null;
  /**
   * Tells the server (and so the other party) which video this user sends; rejects `forbidden`
   * when the policy does not allow a source that is turned on.
   */
  announce: (sent: Record<VideoSource, boolean>) => Promise<void>;
  /** A local video started or stopped (`track` null). */
  changed: (source: VideoSource, track: MediaStreamTrack | null) => void;
  /**
   * What this chunk needs of the main bundle, handed over rather than imported: an import would
   * make the bundler move those modules into a shared chunk that every page loads.
   */
  lib: VideoLib;
}

export interface VideoLib {
  SynapseError: typeof SynapseError;
  mediaError: typeof mediaError;
  loadLiveKit: typeof loadLiveKit;
}

/** Camera constraints: enough for a face in a tile, cheap to encode. */
const CAMERA: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 } };

/**
 * This user's video in one call (loaded on first use, in its own chunk): opens the camera or
 * the screen picker, asks the server first (the policy may refuse), publishes through the
 * session's media, and stops when the browser's own "Stop sharing" bar ends the capture.
 * Operations are serialised, so a double click cannot open two pickers.
 */
export class VideoController {
  private readonly tracks: Record<VideoSource, MediaStreamTrack | null> = {
    camera: null,
    screen: null,
  };
  private publisher: VideoPublisher | null = null;
  private publisherOf: MediaSession | null = null;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly deps: VideoControllerDeps) {}

  track(source: VideoSource): MediaStreamTrack | null {
    return this.tracks[source];
  }

  startScreenShare(): Promise<void> {
    return this.serial(() => this.start('screen', () => captureScreen(this.deps.lib)));
  }

  stop(source: VideoSource): Promise<void> {
    return this.serial(() => this.stopNow(source, true));
  }

  setCamera(on: boolean, deviceId?: string): Promise<void> {
    return this.serial(async () => {
      if (!on) return this.stopNow('camera', true);
      if (this.tracks.camera) {
        if (deviceId) await this.switchCamera(deviceId);
        return;
      }
      await this.start('camera', () => captureCamera(deviceId, this.deps.lib));
    });
  }

  /** Another camera, the call and the publication kept (no renegotiation). */
  setCameraDevice(deviceId: string): Promise<void> {
    return this.serial(() => this.switchCamera(deviceId));
  }

  /**
   * The call's media started over (a new session, or the peer reloaded and the P2P connection
   * was replaced): what was published on the old one is published again, with the same tracks
   * (no picker, no camera light flicker). A source that cannot be sent again is stopped, which
   * the button shows and the other party is told.
   */
  resend(): Promise<void> {
    return this.serial(async () => {
      this.publisher = null;
      for (const source of ['camera', 'screen'] as const) {
        const track = this.tracks[source];
        if (!track || this.closed) continue;
        try {
          await this.currentPublisher().publish(source, track);
        } catch {
          await this.stopNow(source, true).catch(() => undefined);
        }
      }
    });
  }

  /** The call ended: release the devices (nothing to tell anyone). */
  close(): void {
    this.closed = true;
    for (const source of ['camera', 'screen'] as const) {
      this.tracks[source]?.stop();
      this.tracks[source] = null;
    }
  }

  private serial(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private sent(overrides: Partial<Record<VideoSource, boolean>>): Record<VideoSource, boolean> {
    return { camera: !!this.tracks.camera, screen: !!this.tracks.screen, ...overrides };
  }

  private async start(
    source: VideoSource,
    capture: () => Promise<MediaStreamTrack>,
  ): Promise<void> {
    if (this.tracks[source]) return;
    const publisher = this.currentPublisher();
    // Asked before the camera light or the picker: a refused user is not shown either.
    await this.deps.announce(this.sent({ [source]: true }));
    let track: MediaStreamTrack;
    try {
      track = await capture();
    } catch (err) {
      await this.deps.announce(this.sent({})).catch(() => undefined);
      throw this.deps.lib.mediaError(err);
    }
    if (this.closed) {
      track.stop();
      return;
    }
    track.contentHint = source === 'screen' ? 'detail' : 'motion';
    try {
      await publisher.publish(source, track);
    } catch (err) {
      track.stop();
      await this.deps.announce(this.sent({})).catch(() => undefined);
      throw new this.deps.lib.SynapseError('media-failed', `Could not send the ${source}`, {
        cause: err,
      });
    }
    this.tracks[source] = track;
    // The browser's own "Stop sharing" bar (or an unplugged camera) ends the track.
    track.addEventListener('ended', () => {
      if (this.tracks[source] === track) void this.stop(source).catch(() => undefined);
    });
    this.deps.changed(source, track);
  }

  private async stopNow(source: VideoSource, announce: boolean): Promise<void> {
    const track = this.tracks[source];
    if (!track) return;
    this.tracks[source] = null;
    track.stop();
    this.deps.changed(source, null);
    await this.publisher?.unpublish(source).catch(() => undefined);
    if (announce && !this.closed) await this.deps.announce(this.sent({}));
  }

  private async switchCamera(deviceId: string): Promise<void> {
    const old = this.tracks.camera;
    if (!old || !this.publisher) return;
    const track = await captureCamera(deviceId, this.deps.lib).catch((err: unknown) => {
      throw this.deps.lib.mediaError(err);
    });
    track.contentHint = 'motion';
    await this.publisher.replace('camera', track);
    this.tracks.camera = track;
    old.stop();
    this.deps.changed('camera', track);
  }

  private currentPublisher(): VideoPublisher {
    const session = this.deps.session();
    if (!session) {
      throw new this.deps.lib.SynapseError('invalid-state', 'Video needs the call to be connected');
    }
    if (this.publisher && this.publisherOf === session) return this.publisher;
    this.publisherOf = session;
    this.publisher =
      session.kind === 'p2p'
        ? new P2PVideoPublisher(session as P2PSession)
        : new LiveKitVideoPublisher(session as LiveKitSession, this.deps.lib.loadLiveKit);
    return this.publisher;
  }
}

async function captureScreen({ SynapseError }: VideoLib): Promise<MediaStreamTrack> {
  if (typeof navigator.mediaDevices?.getDisplayMedia !== 'function') {
    throw new SynapseError('media-failed', 'This browser cannot share a screen');
  }
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new SynapseError('media-device-not-found', 'No screen was shared');
  return track;
}

async function captureCamera(
  deviceId: string | undefined,
  { SynapseError }: VideoLib,
): Promise<MediaStreamTrack> {
  const video: MediaTrackConstraints = { ...CAMERA };
  if (deviceId && deviceId !== 'default') video.deviceId = { exact: deviceId };
  const stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
  const track = stream.getVideoTracks()[0];
  if (!track) throw new SynapseError('media-device-not-found', 'No camera');
  return track;
}
