import type { PartyMedia, VideoSource } from '@synapse-calling/protocol';
import type { MediaSession } from '../session';
import type { Call } from '../../call';
import type { SignalingManager } from '../../signaling';
import type { CallVideoEvents } from './video-link';
import { VideoController, type VideoControllerDeps } from './video-controller';
import type { CallVideoSnapshot, RemoteVideo, SentMedia } from './types';

export interface CallVideoDeps extends Pick<VideoControllerDeps, 'session' | 'lib'> {
  signaling: Pick<SignalingManager, 'request'>;
  /** The call's snapshot changed (before its event is emitted). */
  touch: () => void;
}

/**
 * A call's video once video is used (this chunk is imported then; see `VideoLink`): the remote
 * videos the session reports, what the other party says it sends, and this user's camera and
 * screen share (`VideoController`).
 */
export class CallVideo {
  private remote: RemoteVideo[] = [];
  private remoteMedia: SentMedia | null = null;
  private stopped: VideoSource[] = [];
  private cached: CallVideoSnapshot | null = null;
  readonly controller: VideoController;

  constructor(
    private readonly call: Call,
    private readonly deps: CallVideoDeps,
  ) {
    this.controller = new VideoController({
      ...deps,
      announce: this.announce,
      changed: (source, track) => {
        // Turned on again: the notice that it had stopped is over.
        if (track) this.stopped = this.stopped.filter((s) => s !== source);
        this.cached = null;
        this.emit('localVideoChanged', source, track);
      },
    });
    const session = deps.session();
    if (session) this.watch(session);
  }

  /**
   * A new media session: what this user sends is sent again on it, and when it starts over (the
   * peer reloaded).
   */
  watch(session: MediaSession): void {
    const resend = () => void this.controller.resend();
    resend();
    session.on('restarted', resend);
  }

  /**
   * Tells the server (and so the other party) which video this user sends; rejects `forbidden`
   * when the policy does not allow a source that is turned on.
   */
  private readonly announce = async ({ camera, screen }: Record<VideoSource, boolean>) => {
    const sent = { audio: !this.call.muted, video: camera, screen };
    await this.deps.signaling.request('media-changed', { callId: this.call.id, ...sent });
  };

  /** See `Call.startScreenShare`. */
  startScreenShare(): Promise<void> {
    this.requireActive();
    return this.controller.startScreenShare();
  }

  /** See `Call.stopScreenShare`. */
  stopScreenShare(): Promise<void> {
    return this.controller.stop('screen');
  }

  /** See `Call.setCamera`. */
  setCamera(on: boolean, deviceId?: string): Promise<void> {
    if (on) this.requireActive();
    return this.controller.setCamera(on, deviceId);
  }

  get remoteVideos(): readonly RemoteVideo[] {
    return this.remote;
  }

  /** This user's camera or screen track being sent, or null. */
  localTrack(source: VideoSource): MediaStreamTrack | null {
    return this.controller.track(source);
  }

  snapshot(): CallVideoSnapshot {
    this.cached ??= {
      camera: !!this.localTrack('camera'),
      screen: !!this.localTrack('screen'),
      remoteCamera: this.remote.some((v) => v.source === 'camera'),
      remoteScreen: this.remote.some((v) => v.source === 'screen'),
      remoteMedia: this.remoteMedia,
      stopped: this.stopped,
    };
    return this.cached;
  }

  addRemote(video: RemoteVideo): void {
    this.remote = [...this.remote.filter((v) => v.source !== video.source), video];
    this.cached = null;
    this.emit('remoteVideoAdded', video);
  }

  removeRemote(video: RemoteVideo): void {
    if (!this.remote.includes(video)) return;
    this.remote = this.remote.filter((v) => v !== video);
    this.cached = null;
    this.emit('remoteVideoRemoved', video);
  }

  /**
   * This page took over a call in which this user sent video (it reloaded, or the call moved
   * here from another tab): that camera or screen share stopped with the old page. Says so in
   * the snapshot (`stopped`) and tells the other party what is really sent now.
   */
  handleResumed(own: PartyMedia): void {
    const sources = ['camera', 'screen'] as const;
    const stopped = sources.filter(
      (s) => own[s === 'camera' ? 'video' : 'screen'] && !this.localTrack(s),
    );
    if (!stopped.length) return;
    this.stopped = stopped;
    this.cached = null;
    for (const source of stopped) this.emit('localVideoChanged', source, null);
    void this.announce({
      camera: !!this.localTrack('camera'),
      screen: !!this.localTrack('screen'),
    }).catch(() => undefined);
  }

  handleMediaChanged({ audio, video, screen }: SentMedia): void {
    this.remoteMedia = { audio, video, screen };
    this.cached = null;
    this.emit('remoteMediaChanged', this.remoteMedia);
  }

  /** The call ended: release cameras and forget the remote videos. */
  close(): void {
    this.controller.close();
    for (const video of this.remote) this.removeRemote(video);
  }

  private requireActive(): void {
    if (this.call.state !== 'active' || !this.deps.session()) {
      throw new this.deps.lib.SynapseError(
        'invalid-state',
        `Cannot turn video on in a call that is ${this.call.state}`,
      );
    }
  }

  /** Reports a change to the call (its snapshot changed too). */
  private emit<K extends keyof CallVideoEvents>(
    event: K,
    ...args: Parameters<CallVideoEvents[K]>
  ): void {
    this.deps.touch();
    (this.call.emit as (e: K, ...a: typeof args) => void)(event, ...args);
  }
}
