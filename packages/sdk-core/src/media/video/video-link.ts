import type { PartyMedia, VideoSource } from '@synapse-calling/protocol';
import type { Call } from '../../call';
import { SynapseError, mediaError } from '../../errors';
import { loadLiveKit } from '../livekit';
import type { MediaSession } from '../session';
import type { CallVideo, CallVideoDeps } from './call-video';
import { attachTrack, type CallVideoSnapshot, type RemoteVideo, type SentMedia } from './types';

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

/** The Call's video methods, whose bodies are in the video chunk (`CallVideo`). */
type Method = 'startScreenShare' | 'stopScreenShare' | 'setCamera';

/** A call without video (nothing sent, nothing received, nothing announced). */
const NO_VIDEO: CallVideoSnapshot = {
  camera: false,
  screen: false,
  remoteCamera: false,
  remoteScreen: false,
  remoteMedia: null,
  stopped: [],
};

/**
 * All an audio-only page carries of a call's video (scripts/video-stand-ins.mjs measures it):
 * the Call's video methods, which import the video chunk (`CallVideo`) and run there, and the
 * first signs of video — a remote video track, or the other party announcing video — which
 * import it too and are handed over in order.
 */
export class VideoLink {
  private loading: Promise<CallVideo> | null = null;
  private loaded: CallVideo | null = null;

  constructor(
    private readonly call: Call,
    private readonly deps: Omit<CallVideoDeps, 'lib'>,
  ) {}

  /** Imports the chunk on first use. */
  load(): Promise<CallVideo> {
    // What the chunk needs of the main bundle is handed over (`lib`): importing it there would
    // make the bundler move those modules into a shared chunk that every page loads.
    this.loading ??= import('./call-video').then(({ CallVideo }) => {
      const lib = { SynapseError, mediaError, loadLiveKit };
      return (this.loaded = new CallVideo(this.call, { ...this.deps, lib }));
    });
    return this.loading;
  }

  /** `call.startScreenShare()` and the like: loads the chunk, then runs there. */
  async run<M extends Method>(method: M, ...args: Parameters<CallVideo[M]>): Promise<void> {
    const video = await this.load();
    await (video[method] as (...a: typeof args) => Promise<void>)(...args);
  }

  get remoteVideos(): readonly RemoteVideo[] {
    return this.loaded?.remoteVideos ?? [];
  }

  localVideo(source: VideoSource): MediaStreamTrack | null {
    return this.loaded?.controller.track(source) ?? null;
  }

  attach(video: RemoteVideo | MediaStreamTrack, element: HTMLVideoElement): void {
    if ('attach' in video) video.attach(element);
    else attachTrack(video, element);
  }

  snapshot(): CallVideoSnapshot {
    return this.loaded?.snapshot() ?? NO_VIDEO;
  }

  /** Follows a new media session's remote videos (and see `CallVideo.watch`). */
  watch(session: MediaSession): void {
    this.loaded?.watch(session);
    session.on('remoteVideo', (video) => void this.load().then((v) => v.addRemote(video)));
    session.on('remoteVideoEnded', (video) => void this.load().then((v) => v.removeRemote(video)));
  }

  /** See `CallVideo.handleResumed`; nothing to load when no video was sent. */
  handleResumed(own: PartyMedia): void {
    if (own.video || own.screen) void this.load().then((v) => v.handleResumed(own));
  }

  /** What the other party sends (`media-changed`, or `sync`). */
  handleMediaChanged(media: SentMedia): void {
    // Audio-only news needs no video code until video is in use.
    if (this.loading || media.video || media.screen) {
      void this.load().then((v) => v.handleMediaChanged(media));
    }
  }

  /** The call ended: release cameras and forget the remote videos. */
  close(): void {
    if (this.loaded) this.loaded.close();
    else void this.loading?.then((v) => v.close());
  }
}
