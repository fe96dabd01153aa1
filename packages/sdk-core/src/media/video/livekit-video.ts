import type { RemoteTrack, Room } from 'livekit-client';
import type { MediaSession } from '../session';
import type { RemoteVideo } from './types';

// Part of the livekit-client chunk (see `livekit-client.ts`): how a LiveKit session reports a
// received video, the first sign of video, which makes the call import the video chunk
// (`VideoLink.watch`). Nothing here runs before livekit-client is loaded, so an audio-only page
// does not carry it. It imports nothing of the main bundle at run time, as that would make the
// bundler move what it imports into a chunk every page loads.

/** LiveKit: the room's video tracks, camera or screen share by their LiveKit source. */
export function watchLiveKitVideo(
  lk: Pick<typeof import('livekit-client'), 'RoomEvent' | 'Track'>,
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
    video.track.addEventListener('ended', () => session.emit('remoteVideoEnded', video), {
      once: true,
    });
    session.emit('remoteVideo', video);
  });
}
