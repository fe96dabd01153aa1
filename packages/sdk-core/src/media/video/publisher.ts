import type { VideoSource } from '@synapse-calling/protocol';
import type { LocalTrackPublication, LocalVideoTrack } from 'livekit-client';
import type { LiveKitSession, loadLiveKit } from '../livekit';
import type { P2PSession, VideoLines } from '../p2p';

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
  private readonly lines: PeerLines;

  constructor(private readonly session: P2PSession) {
    this.lines = new PeerLines(session);
  }

  async publish(source: VideoSource, track: MediaStreamTrack): Promise<void> {
    const pc = this.session.peerConnection;
    const streams = source === 'camera' ? [this.session.micStream] : [new MediaStream([track])];
    const encoding: RTCRtpEncodingParameters = { maxBitrate: P2P_VIDEO_BITRATE[source] };
    Object.assign(encoding, { priority: 'low', networkPriority: 'low' });
    // The polite side never offers (see P2PSession): it sends on a line the caller adds for it,
    // and caps the bitrate once that line exists.
    const transceiver = this.session.options.media.polite
      ? await this.lines.send(track, streams)
      : pc.addTransceiver(track, { direction: 'sendonly', streams, sendEncodings: [encoding] });
    this.transceivers.set(source, transceiver);
    if (this.session.options.media.polite) await setFirstEncoding(transceiver.sender, encoding);
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

interface WaitingVideo {
  track: MediaStreamTrack;
  streams: MediaStream[];
  resolve: (transceiver: RTCRtpTransceiver) => void;
  reject: (err: Error) => void;
}

/**
 * Polite side: each video waits for a `recvonly` line the caller adds to its next offer on
 * request, and sends on it (see P2PSession).
 */
class PeerLines implements VideoLines {
  private waiting: WaitingVideo[] = [];

  constructor(private readonly session: P2PSession) {}

  send(track: MediaStreamTrack, streams: MediaStream[]): Promise<RTCRtpTransceiver> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ track, streams, resolve, reject });
      this.session.videoLines = this;
      // Asks the caller for an offer with a line to send on (see P2PSession).
      void this.session.send({ type: 'renegotiate', addVideo: 1 });
    });
  }

  async beforeAnswer(pc: RTCPeerConnection, offerSdp: string): Promise<() => void> {
    const free = recvonlyMids(offerSdp);
    const lines = pc
      .getTransceivers()
      .filter(
        (t) =>
          t.mid !== null &&
          free.has(t.mid) &&
          t.currentDirection === null &&
          t.sender.track === null &&
          t.receiver.track.kind === 'video',
      );
    const claimed: Array<() => void> = [];
    for (const line of lines) {
      const video = this.waiting.shift();
      if (!video) break;
      line.direction = 'sendonly';
      line.sender.setStreams(...video.streams);
      await line.sender.replaceTrack(video.track);
      claimed.push(() => video.resolve(line));
    }
    // Resolved once answered: the senders are negotiated then, so their bitrate cap can be set.
    return () => claimed.forEach((resolve) => resolve());
  }

  close(): void {
    for (const video of this.waiting.splice(0)) video.reject(new Error('The call ended'));
  }
}

/** The mids of an SDP's `recvonly` media sections. */
function recvonlyMids(sdp: string): Set<string> {
  const mids = new Set<string>();
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
    if (mid !== undefined && /^a=recvonly\s*$/m.test(section)) mids.add(mid);
  }
  return mids;
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
