import type { MediaChangedPayload, VideoSource } from '@synapse-calling/protocol';
import { TypedEmitter } from '../../emitter';
import { SynapseError, mediaError } from '../../errors';
import { loadLiveKit } from '../livekit';
import type { MediaSession } from '../session';
import type { VideoController, VideoControllerDeps } from './video-controller';
import type { CallVideoSnapshot, RemoteVideo, SentMedia } from './types';

export interface CallVideoEvents {
  /** The other party's camera or screen share started arriving; show it with `attach()`. */
  remoteVideoAdded: (video: RemoteVideo) => void;
  /** That video stopped: remove it from the page. */
  remoteVideoRemoved: (video: RemoteVideo) => void;
  /** This user's camera or screen share started (`track`) or stopped (`null`). */
  localVideoChanged: (source: VideoSource, track: MediaStreamTrack | null) => void;
  /** The other party said what it now sends (`media-changed`). */
  remoteMediaChanged: (media: SentMedia) => void;
}

/**
 * The part of a call's video that every page carries: the remote videos the session reports and
 * what the other party says it sends. What opens cameras and publishes (`VideoController`) is
 * imported only when this user first turns video on, so audio-only pages never download it.
 */
export class CallVideo extends TypedEmitter<CallVideoEvents> {
  private remote: RemoteVideo[] = [];
  private remoteMedia: SentMedia | null = null;
  private controller: Promise<VideoController> | null = null;
  private loaded: VideoController | null = null;
  private cached: CallVideoSnapshot | null = null;

  constructor(private readonly deps: Omit<VideoControllerDeps, 'changed' | 'lib'>) {
    super();
  }

  get remoteVideos(): readonly RemoteVideo[] {
    return this.remote;
  }

  /** This user's camera or screen track being sent, or null. */
  localTrack(source: VideoSource): MediaStreamTrack | null {
    return this.loaded?.track(source) ?? null;
  }

  snapshot(): CallVideoSnapshot {
    this.cached ??= {
      camera: !!this.localTrack('camera'),
      screen: !!this.localTrack('screen'),
      remoteCamera: this.remote.some((v) => v.source === 'camera'),
      remoteScreen: this.remote.some((v) => v.source === 'screen'),
      remoteMedia: this.remoteMedia,
    };
    return this.cached;
  }

  /** Follows a new media session's remote videos. */
  watch(session: MediaSession): void {
    session.on('remoteVideo', (video) => {
      this.remote = [...this.remote.filter((v) => v.source !== video.source), video];
      this.cached = null;
      this.emit('remoteVideoAdded', video);
    });
    session.on('remoteVideoEnded', (video) => this.removeRemote(video));
  }

  handleMediaChanged({ audio, video, screen }: MediaChangedPayload): void {
    this.remoteMedia = { audio, video, screen };
    this.cached = null;
    this.emit('remoteMediaChanged', this.remoteMedia);
  }

  /** The video controller, imported on first use. */
  load(): Promise<VideoController> {
    this.controller ??= import('./video-controller').then(({ VideoController }) => {
      this.loaded = new VideoController({
        ...this.deps,
        lib: { SynapseError, mediaError, loadLiveKit },
        changed: (source, track) => {
          this.cached = null;
          this.emit('localVideoChanged', source, track);
        },
      });
      return this.loaded;
    });
    return this.controller;
  }

  /** The call ended: release cameras and forget the remote videos. */
  close(): void {
    this.loaded?.close();
    for (const video of this.remote) this.removeRemote(video);
  }

  private removeRemote(video: RemoteVideo): void {
    if (!this.remote.includes(video)) return;
    this.remote = this.remote.filter((v) => v !== video);
    this.cached = null;
    this.emit('remoteVideoRemoved', video);
  }
}
