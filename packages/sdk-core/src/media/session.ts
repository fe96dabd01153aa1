import type { SynapseError } from '../errors';
import type { MediaKind, MediaSignal } from '@synapse-calling/protocol';
import type { CallQuality } from '../types';
import type { TypedEmitter } from '../emitter';
import type { RemoteVideo } from './video/types';

export interface MediaSessionEvents {
  /** Media is up: audio can flow (fires again after a reconnection). */
  connected: () => void;
  /** The network dropped; the session is trying to recover. */
  reconnecting: () => void;
  /** Recovered after `reconnecting`. */
  reconnected: () => void;
  /** Could not connect or recover; the call should end. */
  failed: (err: SynapseError) => void;
  /** Another client of this user took the media over (a newer tab joined the room). */
  replaced: () => void;
  /**
   * The media connection was set up anew (the peer reloaded and resumed): video this side sent
   * on the old one is not sent any more until published again.
   */
  restarted: () => void;
  qualityChanged: (quality: CallQuality) => void;
  audioBlockedChanged: (blocked: boolean) => void;
  /** Remote level 0..1, about ten times a second. */
  audioLevel: (level: number) => void;
  /** A new remote stream is available (`remoteStream` changed). */
  remoteStream: (stream: MediaStream) => void;
  /** The other party's camera or screen share started arriving. */
  remoteVideo: (video: RemoteVideo) => void;
  /** That video stopped (the track ended, or the party stopped publishing it). */
  remoteVideoEnded: (video: RemoteVideo) => void;
  /** A non-fatal problem (device switch failed, …). */
  error: (err: SynapseError) => void;
}

/**
 * One call's audio, whatever carries it. The Call drives it and listens to its events; LiveKit
 * and P2P implement it. Sessions own the microphone track they were given and stop it on close.
 */
export interface MediaSession extends TypedEmitter<MediaSessionEvents> {
  readonly kind: MediaKind;
  readonly remoteStream: MediaStream | null;
  readonly audioBlocked: boolean;
  readonly quality: CallQuality;
  /** The microphone track being sent (replaced by `setInputDevice`). */
  readonly localTrack: MediaStreamTrack;
  /** Starts connecting. Resolves once started (not when connected; see `connected`). */
  start(): Promise<void>;
  /** Stops everything and releases the microphone. Safe to call twice. */
  close(): void;
  setMuted(muted: boolean): void;
  setInputDevice(deviceId: string): Promise<void>;
  setOutputDevice(deviceId: string): Promise<void>;
  startAudio(): Promise<void>;
  /** A `media-signal` from the peer (P2P only). */
  handleSignal(signal: MediaSignal): void;
  /** The signalling connection came back; check the media and recover it when it is broken. */
  handleSignalingReconnected(): void;
}
