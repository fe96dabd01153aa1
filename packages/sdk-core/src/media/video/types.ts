import type { VideoSource } from '@synapse-calling/protocol';

/**
 * A video track received from the other party: its camera or its screen share. Show it with
 * `attach(videoElement)` (or `call.attachVideo(video, element)`); in LiveKit calls that also tells
 * the SFU the video is visible and how large (adaptive stream), so a hidden or small video costs
 * less bandwidth.
 */
export interface RemoteVideo {
  readonly source: VideoSource;
  /** The received track; it ends when the other party stops sending it. */
  readonly track: MediaStreamTrack;
  /** Shows the video in `element` (sets its `srcObject`, muted, autoplay). */
  attach(element: HTMLVideoElement): void;
  /** Stops showing it in `element`. */
  detach(element: HTMLVideoElement): void;
}

/** What a party sends, as `media-changed` carries it. */
export interface SentMedia {
  audio: boolean;
  video: boolean;
  screen: boolean;
}

/** A call's video in its snapshot: what this user sends and what is received. */
export interface CallVideoSnapshot {
  /** This user's camera is on. */
  camera: boolean;
  /** This user shares a screen. */
  screen: boolean;
  /** A video of the other party's camera is being received. */
  remoteCamera: boolean;
  /** The other party's screen share is being received. */
  remoteScreen: boolean;
  /** What the other party said it sends (`media-changed`), or null before it said anything. */
  remoteMedia: SentMedia | null;
  /**
   * This user's camera or screen share that stopped when the call moved to this page (a
   * reload, or another tab taking the call over); empty again once turned back on. Show a
   * notice: the other party no longer sees it.
   */
  stopped: readonly VideoSource[];
}

/** Shows `track` in `element` the plain way (P2P, or any local track such as a self-view). */
export function attachTrack(track: MediaStreamTrack, element: HTMLVideoElement): void {
  element.muted = true;
  element.autoplay = true;
  element.playsInline = true;
  element.srcObject = new MediaStream([track]);
}

/** Undoes `attachTrack`. */
export function detachTrack(element: HTMLVideoElement): void {
  element.srcObject = null;
}
