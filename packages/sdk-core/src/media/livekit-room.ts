import type { LocalAudioTrack, Participant, RemoteTrack } from 'livekit-client';
import type { SynapseError, toSynapseError } from '../errors';
import type { CallQuality } from '../types';
import type { LiveKitSession } from './livekit';
import { watchLiveKitVideo } from './video/livekit-video';

// Part of the livekit-client chunk (see `livekit-client.ts`): how a `LiveKitSession` joins its
// room and follows it. Nothing here runs before livekit-client is loaded, so a page whose calls
// never go through LiveKit does not carry it. What it needs of the main bundle comes in `lib`,
// as a run-time import would make the bundler move that code into a chunk every page loads.

type LiveKit = Pick<
  typeof import('livekit-client'),
  'Room' | 'RoomEvent' | 'Track' | 'DisconnectReason'
>;

/** What this chunk needs of the main bundle. */
export interface RoomLib {
  SynapseError: typeof SynapseError;
  toSynapseError: typeof toSynapseError;
}

/** Creates the session's room, follows its tracks, quality and connection, and joins it. */
export function startRoom(lk: LiveKit, session: LiveKitSession, lib: RoomLib): void {
  // Adaptive stream and dynacast only act on video: the SFU sends a video only as large as it
  // is shown (none while hidden), and a publisher stops encoding layers nobody watches.
  const room = new lk.Room({ adaptiveStream: true, dynacast: true, webAudioMix: false });
  session.room = room;
  watchLiveKitVideo(lk, room, session);
  room.on(lk.RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
    if (track.kind !== lk.Track.Kind.Audio) return;
    const stream = new MediaStream([track.mediaStreamTrack]);
    session.remote.attach(stream);
    session.emit('remoteStream', stream);
  });
  room.on(lk.RoomEvent.ConnectionQualityChanged, (quality: string, participant: Participant) => {
    if (participant.isLocal) session.setQuality(mapQuality(quality));
  });
  // LiveKit's own recovery: a "resume" (`SignalReconnecting`: a new signal connection and an
  // ICE restart) or a full reconnect (`Reconnecting`); `Reconnected` ends either. Both count,
  // as in LiveKit's own UI components: when the signal connection is lost the audio usually is
  // too. The reconnect window runs from here.
  room.on(lk.RoomEvent.SignalReconnecting, () => session.setReconnecting(true));
  room.on(lk.RoomEvent.Reconnecting, () => session.setReconnecting(true));
  room.on(lk.RoomEvent.Reconnected, () => session.setReconnecting(false));
  room.on(lk.RoomEvent.Disconnected, (reason?: number) => {
    if (session.closed || session.room !== room) return;
    // Another tab of this user took over the room, or the server closed it (call over):
    // rejoining would fight over it. Anything else is a network failure LiveKit gave up on.
    if (reason === lk.DisconnectReason.DUPLICATE_IDENTITY) {
      // Not a failure of the call: it lives on in the other tab, so do not hang it up.
      session.emit('replaced');
      return;
    }
    if (reason === lk.DisconnectReason.CLIENT_INITIATED) {
      // Not our close() (that detaches the room first): livekit-client leaves the room by
      // itself when the page goes away (reload, tab closed). The call is not over — hanging
      // it up here would end it `completed` and a reloaded page could never resume it; the
      // server's reconnect grace decides (resumed, or `disconnected`).
      return;
    }
    const final = [lk.DisconnectReason.ROOM_DELETED, lk.DisconnectReason.PARTICIPANT_REMOVED];
    if (reason !== undefined && final.includes(reason)) {
      session.fail(new lib.SynapseError('media-failed', `LiveKit closed the session (${reason})`));
    } else {
      void rejoin(lk, session, lib);
    }
  });
  void join(lk, session, lib, session.options.media.url, session.options.media.token);
}

async function join(
  lk: LiveKit,
  session: LiveKitSession,
  lib: RoomLib,
  url: string,
  token: string,
): Promise<void> {
  const room = session.room;
  if (!room) return;
  try {
    await room.connect(url, token, { autoSubscribe: true });
    if (session.closed) return;
    const publication = await room.localParticipant.publishTrack(session.track, {
      name: 'microphone',
      source: lk.Track.Source.Microphone,
      dtx: true,
    });
    session.published = (publication.track as LocalAudioTrack | undefined) ?? null;
    if (session.muted) await session.published?.mute();
    if (!session.everConnected) {
      session.everConnected = true;
      session.emit('connected');
    } else {
      session.setReconnecting(false);
    }
  } catch (err) {
    if (session.closed) return;
    session.fail(lib.toSynapseError(err, 'media-failed'));
  }
}

/** LiveKit gave up reconnecting by itself (or the room dropped us): join again, once. */
async function rejoin(lk: LiveKit, session: LiveKitSession, lib: RoomLib): Promise<void> {
  if (session.rejoining) return;
  session.rejoining = true;
  session.setReconnecting(true);
  try {
    const { url, token } = await session.options.fetchToken();
    if (session.closed) return;
    session.published = null;
    await join(lk, session, lib, url, token);
  } catch (err) {
    session.fail(lib.toSynapseError(err, 'media-failed'));
  } finally {
    session.rejoining = false;
  }
}

function mapQuality(quality: string): CallQuality {
  switch (quality) {
    case 'excellent':
    case 'good':
    case 'poor':
    case 'lost':
      return quality;
    default:
      return 'unknown';
  }
}
