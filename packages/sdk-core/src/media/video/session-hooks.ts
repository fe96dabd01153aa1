import type { RemoteTrack, Room } from 'livekit-client';
import type { MediaSession } from '../session';
import { attachTrack, detachTrack, type RemoteVideo } from './types';

// How each media mode reports a received video: the first sign of video, which makes the call
// import the video chunk (`VideoLink.watch`). Everything else about video is in that chunk.

/** Reports a remote video, and its end when its track ends. */
function report(session: MediaSession, video: RemoteVideo): void {
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
  report(session, {
    source: stream && stream.id === micStreamId ? 'camera' : 'screen',
    track,
    attach: (element) => attachTrack(track, element),
    detach: detachTrack,
  });
}

/** LiveKit: the room's video tracks, camera or screen share by their LiveKit source. */
export function watchLiveKitVideo(
  lk: typeof import('livekit-client'),
  room: Room,
  session: MediaSession,
): void {
  const videos = new Map<RemoteTrack, RemoteVideo>();
  room.on(lk.RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
    const video = videos.get(track);
    videos.delete(track);
    if (video) session.emit('remoteVideoEnded', video);
  });
  room.on(lk.RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
    if (track.kind !== lk.Track.Kind.Video) return;
    const video: RemoteVideo = {
      source: track.source === lk.Track.Source.ScreenShare ? 'screen' : 'camera',
      track: track.mediaStreamTrack,
      attach: (element) => void track.attach(element),
      detach: (element) => void track.detach(element),
    };
    videos.set(track, video);
    report(session, video);
  });
}
