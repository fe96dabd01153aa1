import type { LocalAudioTrack, Room } from 'livekit-client';
import { SynapseError, toSynapseError } from '../errors';
import type { LiveKitMedia, LiveKitTokenResponse } from '@synapse-calling/protocol';
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
  // @internal The members below are the room wiring's too (`livekit-room.ts`).
  room: Room | null = null;
  published: LocalAudioTrack | null = null;
  everConnected = false;
  rejoining = false;

  constructor(readonly options: LiveKitSessionOptions) {
    super(options);
  }

  /** The livekit-client Room (for advanced use), once loaded. */
  get livekitRoom(): Room | null {
    return this.room;
  }

  async start(): Promise<void> {
    const lk = await loadLiveKit();
    // The room's wiring runs in the livekit-client chunk (`livekit-room.ts`): a page whose calls
    // never go through LiveKit does not carry it. What it needs of this bundle is handed over.
    if (!this.closed) lk.startRoom(lk, this, { SynapseError, toSynapseError });
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
}
