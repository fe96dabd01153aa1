import type { LocalAudioTrack, Participant, RemoteTrack, Room } from 'livekit-client';
import { SynapseError, toSynapseError } from '../errors';
import type { LiveKitMedia, LiveKitTokenResponse } from '@synapse-calling/protocol';
import type { CallQuality } from '../types';
import { BaseSession, type BaseSessionOptions } from './base';

export interface LiveKitSessionOptions extends BaseSessionOptions {
  media: LiveKitMedia;
  /** Gets a new room token (REST `POST /api/livekit/token`) to rejoin after a hard disconnect. */
  fetchToken: () => Promise<LiveKitTokenResponse>;
}

type LiveKitModule = typeof import('./livekit-client');
let loading: Promise<LiveKitModule> | null = null;

/**
 * Loads livekit-client on first use. The dynamic import is what lets bundlers split it into its
 * own chunk, so a page that only shows presence and call buttons never downloads it.
 */
export function loadLiveKit(): Promise<LiveKitModule> {
  loading ??= import('./livekit-client').catch((err: unknown) => {
    loading = null;
    throw new SynapseError('media-failed', 'Could not load livekit-client', { cause: err });
  });
  return loading;
}

/**
 * Starts loading livekit-client and does not wait: a call the server said goes through LiveKit
 * (`mediaKind`) loads it while it rings, so accept does not wait for the chunk. It starts once
 * the page is idle (at most 100 ms later), as evaluating the chunk would otherwise hold up
 * showing the ring. A failure here is dropped; `loadLiveKit()` tries again, and reports it,
 * when the call's media starts.
 */
export function preloadLiveKit(): void {
  if (loading) return;
  const load = () => void loadLiveKit().catch(() => undefined);
  if (globalThis.requestIdleCallback) globalThis.requestIdleCallback(load, { timeout: 100 });
  else setTimeout(load, 0);
}

/** Audio through a LiveKit room (the SFU path): one published microphone, the peer subscribed. */
export class LiveKitSession extends BaseSession {
  readonly kind = 'livekit' as const;
  private room: Room | null = null;
  private published: LocalAudioTrack | null = null;
  private everConnected = false;
  private rejoining = false;

  constructor(private readonly options: LiveKitSessionOptions) {
    super(options);
  }

  /** The livekit-client Room (for advanced use), once loaded. */
  get livekitRoom(): Room | null {
    return this.room;
  }

  async start(): Promise<void> {
    const lk = await loadLiveKit();
    if (this.closed) return;
    // Adaptive stream and dynacast only act on video: the SFU sends a video only as large as it
    // is shown (none while hidden), and a publisher stops encoding layers nobody watches.
    const room = new lk.Room({ adaptiveStream: true, dynacast: true, webAudioMix: false });
    this.room = room;
    lk.watchLiveKitVideo(lk, room, this); // video
    room.on(lk.RoomEvent.TrackSubscribed, (track: RemoteTrack) => {
      if (track.kind !== lk.Track.Kind.Audio) return;
      const stream = new MediaStream([track.mediaStreamTrack]);
      this.remote.attach(stream);
      this.emit('remoteStream', stream);
    });
    room.on(lk.RoomEvent.ConnectionQualityChanged, (quality: string, participant: Participant) => {
      if (participant.isLocal) this.setQuality(mapQuality(quality));
    });
    // LiveKit's own recovery: a "resume" (`SignalReconnecting`: a new signal connection and an
    // ICE restart) or a full reconnect (`Reconnecting`); `Reconnected` ends either. Both count,
    // as in LiveKit's own UI components: when the signal connection is lost the audio usually is
    // too. The reconnect window runs from here.
    room.on(lk.RoomEvent.SignalReconnecting, () => this.setReconnecting(true));
    room.on(lk.RoomEvent.Reconnecting, () => this.setReconnecting(true));
    room.on(lk.RoomEvent.Reconnected, () => this.setReconnecting(false));
    room.on(lk.RoomEvent.Disconnected, (reason?: number) => {
      if (this.closed || this.room !== room) return;
      // Another tab of this user took over the room, or the server closed it (call over):
      // rejoining would fight over it. Anything else is a network failure LiveKit gave up on.
      if (reason === lk.DisconnectReason.DUPLICATE_IDENTITY) {
        // Not a failure of the call: it lives on in the other tab, so do not hang it up.
        this.emit('replaced');
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
        this.fail(new SynapseError('media-failed', `LiveKit closed the session (${reason})`));
      } else {
        void this.rejoin();
      }
    });
    void this.join(this.options.media.url, this.options.media.token);
  }

  override setMuted(muted: boolean): void {
    super.setMuted(muted);
    // Tell LiveKit too, so the peer's UI (and the SFU) know it is silence on purpose.
    const track = this.published;
    if (track) void (muted ? track.mute() : track.unmute()).catch(() => undefined);
  }

  override handleSignalingReconnected(): void {
    // LiveKit keeps its own connection to the SFU; a signalling blip does not affect it.
  }

  protected async replaceTrack(track: MediaStreamTrack): Promise<void> {
    await this.published?.replaceTrack(track, true);
    if (this.muted) await this.published?.mute();
  }

  protected shutdown(): void {
    const room = this.room;
    this.room = null;
    void room?.disconnect(false).catch(() => undefined);
  }

  private async join(url: string, token: string): Promise<void> {
    const room = this.room;
    if (!room) return;
    try {
      await room.connect(url, token, { autoSubscribe: true });
      if (this.closed) return;
      const publication = await room.localParticipant.publishTrack(this.track, {
        name: 'microphone',
        source: (await loadLiveKit()).Track.Source.Microphone,
        dtx: true,
      });
      this.published = (publication.track as LocalAudioTrack | undefined) ?? null;
      if (this.muted) await this.published?.mute();
      if (!this.everConnected) {
        this.everConnected = true;
        this.emit('connected');
      } else {
        this.setReconnecting(false);
      }
    } catch (err) {
      if (this.closed) return;
      this.fail(toSynapseError(err, 'media-failed'));
    }
  }

  /** LiveKit gave up reconnecting by itself (or the room dropped us): join again, once. */
  private async rejoin(): Promise<void> {
    if (this.rejoining) return;
    this.rejoining = true;
    this.setReconnecting(true);
    try {
      const { url, token } = await this.options.fetchToken();
      if (this.closed) return;
      this.published = null;
      await this.join(url, token);
    } catch (err) {
      this.fail(toSynapseError(err, 'media-failed'));
    } finally {
      this.rejoining = false;
    }
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
