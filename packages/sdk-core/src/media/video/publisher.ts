import type { VideoSource } from '@synapse-calling/protocol';
import type { LocalTrackPublication, LocalVideoTrack } from 'livekit-client';
import type { LiveKitSession, loadLiveKit } from '../livekit';
import type { P2PSession } from '../p2p';

/** How a call's media carries this user's video: P2P transceivers or LiveKit publications. */
export interface VideoPublisher {
  publish(source: VideoSource, track: MediaStreamTrack): Promise<void>;
  /** Sends `track` instead (another camera) without renegotiating. */
  replace(source: VideoSource, track: MediaStreamTrack): Promise<void>;
  unpublish(source: VideoSource): Promise<void>;
}

/**
 * Most bits per second each video may take in a P2P call. The encoder stays under it and the
 * sender priority is below the microphone's, so on a weak link video degrades before audio.
 */
export const P2P_VIDEO_BITRATE: Record<VideoSource, number> = {
  camera: 600_000,
  screen: 1_200_000,
};

/**
 * P2P: each video is a `sendonly` transceiver added mid-call (the polite side's: a line the
 * caller adds for it); the session renegotiates. A camera is sent in the microphone's stream, a screen in a stream of its own, so
 * the receiver tells them apart. Stopping stops the transceiver, which ends the track on both
 * sides once renegotiated.
 */
export class P2PVideoPublisher implements VideoPublisher {
  private readonly transceivers = new Map<VideoSource, RTCRtpTransceiver>();

  constructor(private readonly session: P2PSession) {}

  async publish(source: VideoSource, track: MediaStreamTrack): Promise<void> {
    const pc = this.session.peerConnection;
    const streams = source === 'camera' ? [this.session.localStream] : [new MediaStream([track])];
    const encoding: RTCRtpEncodingParameters = { maxBitrate: P2P_VIDEO_BITRATE[source] };
    Object.assign(encoding, { priority: 'low', networkPriority: 'low' });
    // The polite side never offers (see P2PSession): it sends on a line the caller adds for it,
    // and caps the bitrate once that line exists.
    const transceiver = this.session.polite
      ? await this.session.sendVideo(track, streams)
      : pc.addTransceiver(track, { direction: 'sendonly', streams, sendEncodings: [encoding] });
    this.transceivers.set(source, transceiver);
    if (this.session.polite) await setFirstEncoding(transceiver.sender, encoding);
    await prioritiseAudio(pc);
  }

  async replace(source: VideoSource, track: MediaStreamTrack): Promise<void> {
    await this.transceivers.get(source)?.sender.replaceTrack(track);
  }

  async unpublish(source: VideoSource): Promise<void> {
    const transceiver = this.transceivers.get(source);
    this.transceivers.delete(source);
    if (transceiver && this.session.peerConnection.signalingState !== 'closed') transceiver.stop();
  }
}

/** The microphone's packets go first when the link is congested (best effort). */
async function prioritiseAudio(pc: RTCPeerConnection): Promise<void> {
  const sender = pc.getSenders().find((s) => s.track?.kind === 'audio');
  if (sender) await setFirstEncoding(sender, { priority: 'high', networkPriority: 'high' });
}

/** Best effort: a sender whose parameters cannot be set keeps the browser's defaults. */
async function setFirstEncoding(sender: RTCRtpSender, values: object): Promise<void> {
  const params = sender.getParameters();
  const first = params.encodings[0];
  if (!first) return;
  Object.assign(first, values);
  await sender.setParameters(params).catch(() => undefined);
}

/**
 * LiveKit: the camera is published with simulcast (the SFU forwards the layer each viewer
 * needs; dynacast pauses unwatched ones), the screen share as one high-resolution layer.
 */
export class LiveKitVideoPublisher implements VideoPublisher {
  private readonly publications = new Map<VideoSource, LocalTrackPublication>();

  constructor(
    private readonly session: LiveKitSession,
    private readonly load: typeof loadLiveKit,
  ) {}

  async publish(source: VideoSource, track: MediaStreamTrack): Promise<void> {
    const room = this.session.livekitRoom;
    if (!room) throw new Error('the call has no LiveKit room');
    const { Track } = await this.load();
    const publication = await room.localParticipant.publishTrack(
      track,
      source === 'camera'
        ? { source: Track.Source.Camera, name: 'camera', simulcast: true }
        : { source: Track.Source.ScreenShare, name: 'screen', simulcast: false },
    );
    this.publications.set(source, publication);
  }

  async replace(source: VideoSource, track: MediaStreamTrack): Promise<void> {
    const local = this.publications.get(source)?.track as LocalVideoTrack | undefined;
    await local?.replaceTrack(track, true);
  }

  async unpublish(source: VideoSource): Promise<void> {
    const publication = this.publications.get(source);
    this.publications.delete(source);
    const room = this.session.livekitRoom;
    if (publication?.track && room) await room.localParticipant.unpublishTrack(publication.track);
  }
}
