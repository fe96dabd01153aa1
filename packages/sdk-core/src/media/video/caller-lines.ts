import type { P2PSession } from '../p2p';

/**
 * Caller side of P2P video lines (video chunk, imported when the polite side first asks): the
 * polite side never offers once negotiated (see `P2PSession`); it asks with `renegotiate`, and
 * the caller adds a `recvonly` line to its next offer for each video the polite side will send.
 */
export class CallerLines {
  private readonly lines = new Set<RTCRtpTransceiver>();

  constructor(private readonly session: P2PSession) {}

  /**
   * The polite side asked for an offer, with `addVideo` new lines. Adding a line fires
   * negotiationneeded, which offers. Otherwise `offerNow` offers if nothing is in flight; if an
   * offer is, its answer carries the polite side's changes, and a change made after it answered
   * fires its negotiationneeded again, which asks again.
   */
  async request(addVideo: number): Promise<void> {
    const session = this.session;
    const pc = session.peerConnection;
    for (let i = 0; i < addVideo; i++) {
      this.lines.add(pc.addTransceiver('video', { direction: 'recvonly' }));
    }
    if (addVideo === 0 && pc.signalingState === 'stable' && !session.makingOffer) {
      await session.makeOffer(pc);
    }
  }

  /**
   * An answer was applied. A line the polite side stopped sending on is answered `inactive` (an
   * answer cannot remove a line), so the caller stops it; its next offer removes it on both sides.
   */
  answered(): void {
    for (const line of this.lines) if (line.currentDirection === 'inactive') line.stop();
  }

  /** The peer connection was replaced: its lines went with it. */
  clear(): void {
    this.lines.clear();
  }
}
