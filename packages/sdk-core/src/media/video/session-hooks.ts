import type { MediaSession } from '../session';
import { attachTrack, detachTrack, type RemoteVideo } from './types';

// How a P2P session reports a received video: the first sign of video, which makes the call
// import the video chunk (`VideoLink.watch`). LiveKit sessions report theirs from the
// livekit-client chunk (`livekit-video.ts`).

/** Reports a remote video, and its end when its track ends. */
export function reportVideo(session: MediaSession, video: RemoteVideo): void {
  video.track.addEventListener('ended', () => session.emit('remoteVideoEnded', video), {
    once: true,
  });
  session.emit('remoteVideo', video);
}

/**
 * P2P: a received video track. A camera comes in the stream of the other party's microphone
 * (`micStreamId`), a screen share in a stream of its own.
 */
export function reportP2PVideo(
  session: MediaSession,
  track: MediaStreamTrack,
  [stream]: readonly MediaStream[],
  micStreamId: string | undefined,
): void {
  reportVideo(session, {
    source: stream && stream.id === micStreamId ? 'camera' : 'screen',
    track,
    attach: (element) => attachTrack(track, element),
    detach: detachTrack,
  });
}
