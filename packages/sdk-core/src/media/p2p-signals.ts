import type { MediaSignal } from '@synapse-calling/protocol';
import { SynapseError, isSynapseError } from '../errors';

/** How often, and how long after the first try, a signal the server rate-limited is resent. */
const SIGNAL_RETRIES = 5;
const SIGNAL_RETRY_MS = 250;

export type Description = Extract<MediaSignal, { type: 'description' }>['description'];

/**
 * Sends a P2P signal through `send` (`media-signal`). Lost while signalling is down: the session
 * renegotiates when it is back (`handleSignalingReconnected`). Refused by the server's rate limit
 * (several calls in quick succession on one connection): the refusal lifts by itself, and a lost
 * offer, answer or candidate would leave the call `connecting` for good, so it is sent again
 * shortly, as long as `stillWanted()` (the session is open and the signal not outdated).
 */
export async function sendSignal(
  send: (signal: MediaSignal) => Promise<void>,
  signal: MediaSignal,
  stillWanted: () => boolean,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await send(signal);
      return;
    } catch (err) {
      if (!isSynapseError(err) || err.code !== 'rate-limited' || attempt >= SIGNAL_RETRIES) {
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, SIGNAL_RETRY_MS * 2 ** attempt));
    if (!stillWanted()) return;
  }
}

/** The local description as a signal carries it. */
export function toDescription(pc: RTCPeerConnection): Description {
  const d = pc.localDescription;
  if (!d) throw new SynapseError('media-failed', 'No local description');
  return { type: d.type, sdp: d.sdp };
}

/** The DTLS fingerprint of an SDP: a new one in an offer means the peer reloaded. */
export function fingerprint(sdp: string): string | undefined {
  return /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim();
}
