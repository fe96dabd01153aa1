import type { MediaSignal } from '@synapse-calling/protocol';

/** The candidate type of an ICE candidate line (`… typ host …`), or undefined when unreadable. */
function candidateType(candidate: string): string | undefined {
  return /\styp\s+(\S+)/.exec(candidate)?.[1];
}

/**
 * What may go on to the peer of a party whose addresses must stay hidden: relay candidates
 * only. Host (including mDNS `.local`), server-reflexive and peer-reflexive candidates are
 * dropped, whether trickled (`null` is returned: send nothing) or inside an offer or answer,
 * whose connection lines are reset to `0.0.0.0` as well (trickle ICE never reads them). The
 * client was told to gather relay candidates only; this is the second line, for a client that
 * ignores or predates that.
 */
export function relayCandidatesOnly(signal: MediaSignal): MediaSignal | null {
  if (signal.type === 'candidate') {
    const line = signal.candidate?.candidate;
    // `null` and the empty candidate mean "no more candidates" and carry no address.
    if (!line) return signal;
    return candidateType(line) === 'relay' ? signal : null;
  }
  if (signal.type !== 'description' || !signal.description.sdp) return signal;
  const lines = signal.description.sdp.split(/\r\n|\n/);
  const kept = lines
    .filter((l) => !l.startsWith('a=candidate:') || candidateType(l) === 'relay')
    .map((l) => {
      if (/^c=IN IP[46] /.test(l)) return 'c=IN IP4 0.0.0.0';
      if (/^a=rtcp:\d+ IN IP[46] /.test(l)) return 'a=rtcp:9 IN IP4 0.0.0.0';
      return l;
    });
  return { ...signal, description: { ...signal.description, sdp: kept.join('\r\n') } };
}
