import type { Media } from '@synapse-calling/protocol';
import type { ResolvedOptions } from '../options';
import type { RestClient } from '../rest';
import type { SignalingManager } from '../signaling';
import { LiveKitSession } from './livekit';
import { P2PSession } from './p2p';
import type { MediaSession } from './session';

/** What a media session starts from of its call. */
export interface SessionCall {
  readonly id: string;
  readonly muted: boolean;
  /**
   * A warm transfer's consultation between the transferring agent and the target, beside the
   * call: P2P signals carry `consult: true`; LiveKit's room token cannot be fetched anew.
   */
  readonly consult?: boolean;
}

/** Builds the media session of one answered call; `resumed`: answered before (a sync after a reload). */
export type CreateMediaSession = (
  call: SessionCall,
  media: Media,
  track: MediaStreamTrack,
  resumed: boolean,
) => MediaSession;

export interface MediaSessionFactoryDeps {
  options: Pick<
    ResolvedOptions,
    'audioConstraints' | 'statsIntervalMs' | 'mediaConnectTimeoutMs' | 'mediaReconnectTimeoutMs'
  >;
  /** P2P negotiates through `media-signal`. */
  signaling: Pick<SignalingManager, 'request'>;
  /** LiveKit asks for a fresh room token when it has to rejoin. */
  rest: Pick<RestClient, 'livekitToken'>;
}

/**
 * Returns the function that builds a call's media session: the server's `media` picks LiveKit
 * (SFU) or direct P2P. Importing `LiveKitSession` costs no livekit-client: that is loaded by
 * `LiveKitSession.start()` with a dynamic import.
 */
export function mediaSessionFactory({
  options,
  signaling,
  rest,
}: MediaSessionFactoryDeps): CreateMediaSession {
  return (call, media, track, resumed) => {
    const base = {
      track,
      constraints: options.audioConstraints,
      muted: call.muted,
      reconnectTimeoutMs: options.mediaReconnectTimeoutMs,
    };
    if (media.kind === 'livekit') {
      // A consultation is short: a rejoin reuses its token rather than the call's room's.
      const fetchToken = call.consult
        ? () => Promise.resolve(media)
        : () => rest.livekitToken(call.id);
      return new LiveKitSession({ ...base, media, fetchToken });
    }
    return new P2PSession({
      ...base,
      media,
      statsIntervalMs: options.statsIntervalMs,
      connectTimeoutMs: options.mediaConnectTimeoutMs,
      resumed,
      sendSignal: async (signal) => {
        const consult = call.consult ? { consult: true } : {};
        await signaling.request('media-signal', { callId: call.id, signal, ...consult });
      },
    });
  };
}
