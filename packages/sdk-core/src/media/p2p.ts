import { SynapseError, isSynapseError } from '../errors';
import type { MediaSignal, P2PMedia } from '@synapse-calling/protocol';
import type { CallQuality } from '../types';
import { BaseSession, type BaseSessionOptions } from './base';

export interface P2PSessionOptions extends BaseSessionOptions {
  media: P2PMedia;
  /** Relays a signal to the peer (`media-signal`). */
  sendSignal: (signal: MediaSignal) => Promise<void>;
  /** How often to read `getStats()` for the quality indicator. */
  statsIntervalMs: number;
  /** Give up when the first connection takes longer than this. */
  connectTimeoutMs: number;
  /**
   * The session resumes a call already answered (page reload, sync) rather than starting a
   * freshly answered one. A resuming side makes an offer at once whether polite or not; in a
   * fresh call the polite callee waits for the caller's offer. @default false
   */
  resumed?: boolean;
}

/** How often, and how long after the first try, a signal the server rate-limited is resent. */
const SIGNAL_RETRIES = 5;
const SIGNAL_RETRY_MS = 250;

type Description = Extract<MediaSignal, { type: 'description' }>['description'];

/**
 * Direct WebRTC audio between the two parties, negotiated with the "perfect negotiation"
 * pattern (the server tells each side whether it is polite), trickle ICE, and an ICE restart
 * when the path fails. A fresh offer from a peer whose DTLS fingerprint changed means the peer
 * reloaded and resumed: the old connection is replaced rather than renegotiated.
 */
export class P2PSession extends BaseSession {
  readonly kind = 'p2p' as const;
  private pc!: RTCPeerConnection;
  private makingOffer = false;
  private ignoreOffer = false;
  private everConnected = false;
  private reconnecting = false;
  /** Incoming signals are applied strictly in order; each step is async. */
  private queue: Promise<void> = Promise.resolve();
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private lastPackets = -1;
  /** Counts local descriptions set, so a description waiting to be resent can tell it is old. */
  private localVersion = 0;
  /** Candidates that arrived before any remote description (applied once one is set). */
  private earlyCandidates: RTCIceCandidateInit[] = [];

  constructor(private readonly options: P2PSessionOptions) {
    super(options);
    this.pc = this.createPeerConnection();
  }

  /** The RTCPeerConnection in use (replaced when the peer reloads). */
  get peerConnection(): RTCPeerConnection {
    return this.pc;
  }

  async start(): Promise<void> {
    this.addLocalTrack(this.pc);
    this.connectTimer = setTimeout(() => {
      if (!this.everConnected) {
        this.fail(new SynapseError('media-failed', 'Peer-to-peer audio did not connect in time'));
      }
    }, this.options.connectTimeoutMs);
    this.statsTimer = setInterval(() => void this.readStats(), this.options.statsIntervalMs);
  }

  override handleSignal(signal: MediaSignal): void {
    this.queue = this.queue
      .then(() => this.applySignal(signal))
      .catch((err: unknown) => {
        if (this.closed) return;
        this.emit('error', new SynapseError('media-failed', 'Negotiation failed', { cause: err }));
      });
  }

  override handleSignalingReconnected(): void {
    // Signals sent while the socket was down are lost. If an offer of ours went missing, roll
    // it back; if the path is not up, renegotiate it with an ICE restart.
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      if (this.pc.signalingState === 'have-local-offer') {
        await this.pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
      }
      if (this.pc.connectionState !== 'connected') this.pc.restartIce();
    });
  }

  protected async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const sender = this.pc.getSenders().find((s) => s.track?.kind === 'audio' || s.track === null);
    if (sender) await sender.replaceTrack(track);
  }

  protected shutdown(): void {
    clearInterval(this.statsTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.restartTimer);
    this.pc.close();
  }

  private addLocalTrack(pc: RTCPeerConnection): void {
    pc.addTrack(this.track, new MediaStream([this.track]));
  }

  private createPeerConnection(): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: this.options.media.iceServers });
    pc.onnegotiationneeded = async () => {
      if (pc !== this.pc || this.closed) return;
      // In a freshly answered call the impolite caller makes the first offer. If the polite
      // callee offered too, both would offer at once (glare) on nearly every call: perfect
      // negotiation resolves that on paper, but Chromium then sometimes never gathers ICE
      // candidates for the polite side's answer (its own offer is rolled back before gathering
      // began), and the call stays `connecting` until the connect timeout. Once the caller's
      // offer is applied and answered, the flag is re-evaluated and fires again if needed.
      if (this.options.media.polite && !this.options.resumed && !pc.remoteDescription) return;
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.localVersion++;
        await this.send({ type: 'description', description: toDescription(pc) });
      } catch (err) {
        this.emit(
          'error',
          new SynapseError('media-failed', 'Could not make an offer', { cause: err }),
        );
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (pc !== this.pc || !candidate) return;
      const c = candidate.toJSON();
      void this.send({
        type: 'candidate',
        candidate: { ...c, candidate: c.candidate ?? '' },
      });
    };
    pc.ontrack = ({ track, streams }) => {
      if (pc !== this.pc || track.kind !== 'audio') return;
      const stream = streams[0] ?? new MediaStream([track]);
      this.remote.attach(stream);
      this.emit('remoteStream', stream);
    };
    pc.onconnectionstatechange = () => {
      if (pc === this.pc) this.onConnectionState(pc.connectionState);
    };
    return pc;
  }

  private onConnectionState(state: RTCPeerConnectionState): void {
    clearTimeout(this.restartTimer);
    if (state === 'connected') {
      clearTimeout(this.connectTimer);
      if (!this.everConnected) {
        this.everConnected = true;
        this.emit('connected');
      } else if (this.reconnecting) {
        this.reconnecting = false;
        this.emit('reconnected');
      }
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    if (this.everConnected && !this.reconnecting) {
      this.reconnecting = true;
      this.setQuality('lost');
      this.emit('reconnecting');
    }
    // `disconnected` often heals by itself within seconds; `failed` never does.
    const delay = state === 'failed' ? 0 : 4_000;
    this.restartTimer = setTimeout(() => {
      if (!this.closed && this.pc.connectionState !== 'connected') this.pc.restartIce();
    }, delay);
  }

  private async applySignal(signal: MediaSignal): Promise<void> {
    if (this.closed) return;
    if (signal.type === 'hangup-media') return;
    if (signal.type === 'candidate') {
      if (!signal.candidate) return;
      if (!this.pc.remoteDescription) {
        // Overtook its description (e.g. the description was resent after a rate limit).
        if (!this.ignoreOffer) this.earlyCandidates.push(signal.candidate);
        return;
      }
      try {
        await this.pc.addIceCandidate(signal.candidate);
      } catch (err) {
        // Candidates of an offer we ignored (glare) are expected to fail.
        if (!this.ignoreOffer) throw err;
      }
      return;
    }
    const description = signal.description;
    if (description.type === 'offer' && this.isFromNewPeer(description))
      this.replacePeerConnection();
    const pc = this.pc;
    const collision =
      description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
    this.ignoreOffer = !this.options.media.polite && collision;
    if (this.ignoreOffer) return;
    await pc.setRemoteDescription(description as RTCSessionDescriptionInit);
    for (const candidate of this.earlyCandidates.splice(0)) {
      // Best effort: a candidate of an earlier, abandoned negotiation may no longer fit.
      await pc.addIceCandidate(candidate).catch(() => undefined);
    }
    if (description.type === 'offer') {
      await pc.setLocalDescription();
      this.localVersion++;
      await this.send({ type: 'description', description: toDescription(pc) });
    }
  }

  private isFromNewPeer(offer: Description): boolean {
    const current = this.pc.currentRemoteDescription?.sdp;
    if (!current || !offer.sdp) return false;
    return fingerprint(current) !== fingerprint(offer.sdp);
  }

  /** The peer restarted (page reload): start over with a fresh connection for its offer. */
  private replacePeerConnection(): void {
    const old = this.pc;
    this.pc = this.createPeerConnection();
    this.makingOffer = false;
    this.earlyCandidates = [];
    old.close();
    this.addLocalTrack(this.pc);
    if (this.everConnected && !this.reconnecting) {
      this.reconnecting = true;
      this.emit('reconnecting');
    }
  }

  private async send(signal: MediaSignal): Promise<void> {
    const pc = this.pc;
    const version = this.localVersion;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.sendSignal(signal);
        return;
      } catch (err) {
        // Lost while signalling is down: handleSignalingReconnected renegotiates. Refused by
        // the server's rate limit (several calls in quick succession on one connection): the
        // refusal lifts by itself, and a lost offer, answer or candidate would leave the call
        // `connecting` for good, so send it again shortly.
        if (!isSynapseError(err) || err.code !== 'rate-limited' || attempt >= SIGNAL_RETRIES) {
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, SIGNAL_RETRY_MS * 2 ** attempt));
      if (this.closed || pc !== this.pc || this.isStale(signal, version)) return;
    }
  }

  /** A description that is no longer ours (negotiation moved on while it waited to be resent). */
  private isStale(signal: MediaSignal, version: number): boolean {
    if (signal.type !== 'description') return false;
    const expected = signal.description.type === 'offer' ? 'have-local-offer' : 'stable';
    return version !== this.localVersion || this.pc.signalingState !== expected;
  }

  private async readStats(): Promise<void> {
    if (this.closed) return;
    const pc = this.pc;
    if (pc.connectionState !== 'connected') {
      if (this.everConnected) this.setQuality('lost');
      return;
    }
    let rtt: number | undefined;
    let jitter: number | undefined;
    let packets = 0;
    let lost = 0;
    const report = await pc.getStats();
    report.forEach((s: Record<string, unknown> & { type: string }) => {
      if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') {
        rtt = s.roundTripTime;
      } else if (s.type === 'candidate-pair' && s.nominated && rtt === undefined) {
        if (typeof s.currentRoundTripTime === 'number') rtt = s.currentRoundTripTime;
      } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        if (typeof s.jitter === 'number') jitter = s.jitter;
        packets += typeof s.packetsReceived === 'number' ? s.packetsReceived : 0;
        lost += typeof s.packetsLost === 'number' ? s.packetsLost : 0;
      }
    });
    const lossRatio = packets + lost > 0 ? lost / (packets + lost) : 0;
    const stalled = this.lastPackets >= 0 && packets === this.lastPackets;
    this.lastPackets = packets;
    this.setQuality(classify({ rtt, jitter, lossRatio, stalled }));
  }
}

/** Buckets network numbers the way call UIs usually show them (bars). */
export function classify(m: {
  /** Seconds; undefined until the stats report one. */
  rtt?: number | undefined;
  jitter?: number | undefined;
  lossRatio: number;
  stalled: boolean;
}): CallQuality {
  if (m.stalled) return 'lost';
  const rtt = m.rtt ?? 0;
  const jitter = m.jitter ?? 0;
  if (rtt > 0.5 || m.lossRatio > 0.08 || jitter > 0.08) return 'poor';
  if (rtt > 0.2 || m.lossRatio > 0.02 || jitter > 0.03) return 'good';
  return 'excellent';
}

function toDescription(pc: RTCPeerConnection): Description {
  const d = pc.localDescription;
  if (!d) throw new SynapseError('media-failed', 'No local description');
  return { type: d.type, sdp: d.sdp };
}

function fingerprint(sdp: string): string | undefined {
  return /^a=fingerprint:(.+)$/m.exec(sdp)?.[1]?.trim();
}
