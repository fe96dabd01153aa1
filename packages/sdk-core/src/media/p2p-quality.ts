import type { CallQuality } from '../types';

/** The numbers a quality verdict is made from, over one stats interval. */
export interface QualityInputs {
  /** Round-trip time in seconds. */
  rtt?: number | undefined;
  /** Inbound jitter in seconds. */
  jitter?: number | undefined;
  /** Share of the packets expected in the interval that never arrived (0..1). */
  lossRatio: number;
  /** No packet arrived at all in the interval. */
  stalled: boolean;
}

/** Buckets network numbers the way call UIs usually show them (bars). */
export function classify(m: QualityInputs): CallQuality {
  if (m.stalled) return 'lost';
  const rtt = m.rtt ?? 0;
  const jitter = m.jitter ?? 0;
  if (rtt > 0.5 || m.lossRatio > 0.08 || jitter > 0.08) return 'poor';
  if (rtt > 0.2 || m.lossRatio > 0.02 || jitter > 0.03) return 'good';
  return 'excellent';
}

type Stat = Record<string, unknown> & { type: string };

/** What one `getStats()` reading says about the call's audio; counters are since the start. */
export interface StatsReading {
  rtt?: number;
  jitter?: number;
  packetsReceived: number;
  packetsLost: number;
}

export function readReport(report: RTCStatsReport): StatsReading {
  const reading: StatsReading = { packetsReceived: 0, packetsLost: 0 };
  report.forEach((s: Stat) => {
    if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') {
      reading.rtt = s.roundTripTime;
    } else if (s.type === 'candidate-pair' && s.nominated && reading.rtt === undefined) {
      if (typeof s.currentRoundTripTime === 'number') reading.rtt = s.currentRoundTripTime;
    } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      if (typeof s.jitter === 'number') reading.jitter = s.jitter;
      reading.packetsReceived += typeof s.packetsReceived === 'number' ? s.packetsReceived : 0;
      reading.packetsLost += typeof s.packetsLost === 'number' ? s.packetsLost : 0;
    }
  });
  return reading;
}

/**
 * The quality between two readings. Loss is counted over the interval, not since the call
 * began: a call that had a bad minute gets its bars back as soon as the network recovers, and
 * one that was fine for an hour shows a new loss at once.
 */
export function qualityBetween(previous: StatsReading | null, current: StatsReading): CallQuality {
  const { rtt, jitter } = current;
  if (!previous) {
    const lossRatio = ratio(current.packetsReceived, current.packetsLost);
    return classify({ rtt, jitter, lossRatio, stalled: false });
  }
  const packets = Math.max(0, current.packetsReceived - previous.packetsReceived);
  // packetsLost can go down (late duplicates); a negative count is no loss.
  const lost = Math.max(0, current.packetsLost - previous.packetsLost);
  return classify({ rtt, jitter, lossRatio: ratio(packets, lost), stalled: packets === 0 });
}

/** Reads a peer connection's quality every time it is asked, from the previous reading on. */
export class QualityMeter {
  private last: StatsReading | null = null;

  /** Forgets the previous reading (the peer connection was replaced). */
  reset(): void {
    this.last = null;
  }

  async read(pc: RTCPeerConnection): Promise<CallQuality> {
    const current = readReport(await pc.getStats());
    const quality = qualityBetween(this.last, current);
    this.last = current;
    return quality;
  }
}

function ratio(packets: number, lost: number): number {
  return packets + lost > 0 ? lost / (packets + lost) : 0;
}
