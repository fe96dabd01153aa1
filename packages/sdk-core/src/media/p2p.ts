import { SynapseError } from '../errors';
import type { MediaSignal, P2PMedia } from '@synapse-calling/protocol';
import { BaseSession, type BaseSessionOptions } from './base';
import { QualityMeter } from './p2p-quality';
import { fingerprint, sendSignal, toDescription, type Description } from './p2p-signals';
import type { CallerLines } from './video/caller-lines';
import { reportP2PVideo } from './video/session-hooks';

export { classify } from './p2p-quality';

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

/** `disconnected` often heals by itself (a burst of loss); restart ICE only if it lasts. */
const DISCONNECTED_GRACE_MS = 2_000;
/**
 * While the path is down, restart ICE again this often: a restart made while the network was
 * still cut gathers candidates and runs checks that all fail, and nothing else would retry once
 * the network is back. Also how long an offer may go unanswered before it is sent again.
 */
const RESTART_RETRY_MS = 4_000;

/**
 * Direct WebRTC audio between the two parties, negotiated with the "perfect negotiation"
 * pattern (the server tells each side whether it is polite), trickle ICE, and an ICE restart
 * when the path fails. A fresh offer from a peer whose DTLS fingerprint changed means the peer
 * reloaded and resumed: the old connection is replaced rather than renegotiated.
 *
 * Only the impolite side (the caller) restarts ICE. Both sides see the path fail at the same
 * moment, and when both restarted, the two restart offers collided; the polite side then rolled
 * its own offer back to answer the other, and in Chromium that left its RTP stopped on the new
 * path (ICE connected, audio silent one way or both) in most such collisions. The polite side
 * reports `reconnecting` and answers; the caller retries until the path is back.
 *
 * For the same reason the polite side never offers once the call is negotiated: when both
 * turned a camera on at the same instant, its rolled-back offer left Chromium's audio receiver
 * on the polite side without packets in about half the collisions. It sends `renegotiate`
 * instead and the caller offers; video the polite side sends rides on a `recvonly` line the
 * caller adds to that offer for it (`CallerLines`; the polite side's `videoLines`).
 */
export class P2PSession extends BaseSession {
  readonly kind = 'p2p' as const;
  private pc!: RTCPeerConnection;
  /** @internal Read by the caller's video lines (video chunk). */
  makingOffer = false;
  private ignoreOffer = false;
  private everConnected = false;
  /** Incoming signals are applied strictly in order; each step is async. */
  private queue: Promise<void> = Promise.resolve();
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private lastRestartAt = 0;
  private readonly meter = new QualityMeter();
  /** Counts local descriptions set, so a description waiting to be resent can tell it is old. */
  private localVersion = 0;
  /** Candidates that arrived before any remote description (applied once one is set). */
  private earlyCandidates: RTCIceCandidateInit[] = [];
  /**
   * The stream the microphone is sent in. A camera is sent in it too (and a screen share in a
   * stream of its own), which is how the receiver tells a camera from a screen.
   */
  micStream = new MediaStream();
  private remoteMicStreamId: string | undefined;
  // #region video
  /**
   * Polite side, set by the video publisher (lazy chunk) while it waits for lines to send on:
   * runs after a remote offer is applied and before it is answered; what it returns runs once
   * the answer is set.
   */
  videoLines: VideoLines | undefined;
  /** Caller: the lines it adds for the polite side to send video on (video chunk, on demand). */
  private callerLines: CallerLines | undefined;
  // #endregion

  /** @internal `options.media.polite` is read by the video chunk too. */
  constructor(readonly options: P2PSessionOptions) {
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
    // Signals sent while the socket was down are lost. An offer of ours that went missing is
    // sent again (rolling it back instead could collide with the peer's restart); a caller
    // whose path is not up restarts ICE now rather than at its next retry.
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      if (this.pc.signalingState === 'have-local-offer') await this.resendOffer();
      else if (this.pc.connectionState !== 'connected') this.scheduleRestart(0);
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
    this.videoLines?.close(); // video
  }

  private addLocalTrack(pc: RTCPeerConnection): void {
    this.micStream = new MediaStream([this.track]);
    pc.addTrack(this.track, this.micStream);
  }

  private createPeerConnection(): RTCPeerConnection {
    const { iceServers, iceTransportPolicy = 'all' } = this.options.media;
    // 'relay' (the server's privacy setting): only TURN candidates are gathered, so the peer
    // never learns this side's addresses.
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy });
    pc.onnegotiationneeded = async () => {
      if (pc !== this.pc || this.closed) return;
      // In a freshly answered call the impolite caller makes the first offer. If the polite
      // callee offered too, both would offer at once (glare) on nearly every call: perfect
      // negotiation resolves that on paper, but Chromium then sometimes never gathers ICE
      // candidates for the polite side's answer (its own offer is rolled back before gathering
      // began), and the call stays `connecting` until the connect timeout. Once the caller's
      // offer is applied and answered, the flag is re-evaluated and fires again if needed.
      // Once negotiated, the polite side asks the caller to offer (see the class comment).
      if (this.options.media.polite && (pc.remoteDescription || !this.options.resumed)) {
        if (pc.remoteDescription) await this.send({ type: 'renegotiate' }); // video
      } else await this.makeOffer(pc);
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
      if (pc !== this.pc) return;
      // #region video
      if (track.kind === 'video')
        return reportP2PVideo(this, track, streams, this.remoteMicStreamId);
      // #endregion
      const stream = streams[0] ?? new MediaStream([track]);
      this.remoteMicStreamId = stream.id;
      this.remote.attach(stream);
      this.emit('remoteStream', stream);
    };
    pc.onconnectionstatechange = () => {
      if (pc === this.pc) this.onConnectionState(pc.connectionState);
    };
    return pc;
  }

  /** @internal Also the caller's video lines' (video chunk). */
  async makeOffer(pc: RTCPeerConnection): Promise<void> {
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
  }

  private onConnectionState(state: RTCPeerConnectionState): void {
    if (state === 'connected') {
      clearTimeout(this.restartTimer);
      clearTimeout(this.connectTimer);
      if (!this.everConnected) {
        this.everConnected = true;
        this.emit('connected');
      } else {
        this.setReconnecting(false);
      }
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    if (this.everConnected) this.setReconnecting(true);
    // `failed` never heals by itself; `disconnected` often does within a second or two.
    this.scheduleRestart(state === 'failed' ? 0 : DISCONNECTED_GRACE_MS);
  }

  /**
   * Restarts ICE after `delayMs` (at most once per RESTART_RETRY_MS: checks of a restart made
   * while the path is still down fail within a second, which must not become a signalling
   * storm), and again every RESTART_RETRY_MS until connected. The caller's job only.
   */
  private scheduleRestart(delayMs: number): void {
    if (this.options.media.polite) return;
    clearTimeout(this.restartTimer);
    const wait = Math.max(delayMs, this.lastRestartAt + RESTART_RETRY_MS - Date.now());
    this.restartTimer = setTimeout(() => {
      this.queue = this.queue.then(() => this.restart()).catch(() => undefined);
    }, wait);
  }

  private async restart(): Promise<void> {
    if (this.closed || this.pc.connectionState === 'connected') return;
    this.lastRestartAt = Date.now();
    this.scheduleRestart(RESTART_RETRY_MS);
    // An offer still unanswered after a retry interval was lost (the peer was reconnecting):
    // send it again. Otherwise a fresh restart; negotiationneeded makes and sends the offer.
    if (this.pc.signalingState === 'have-local-offer') await this.resendOffer();
    else this.pc.restartIce();
  }

  private async resendOffer(): Promise<void> {
    // The current local description carries every candidate gathered so far.
    await this.send({ type: 'description', description: toDescription(this.pc) });
  }

  private async applySignal(signal: MediaSignal): Promise<void> {
    if (this.closed) return;
    if (signal.type === 'hangup-media') return;
    // #region video
    if (signal.type === 'renegotiate') {
      // Caller: the polite side asked for an offer (and maybe for lines to send video on).
      if (this.options.media.polite) return;
      this.callerLines ??= new (await import('./video/caller-lines')).CallerLines(this);
      if (!this.closed) await this.callerLines.request(signal.addVideo ?? 0);
      return;
    }
    // #endregion
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
    // A second answer to an offer we sent twice (see `restart`): the first one already applied.
    if (description.type === 'answer' && this.pc.signalingState !== 'have-local-offer') return;
    const replaced = description.type === 'offer' && this.isFromNewPeer(description);
    if (replaced) this.replacePeerConnection();
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
    if (description.type === 'answer') this.callerLines?.answered(); // video
    if (description.type === 'offer') {
      const answered = await this.videoLines?.beforeAnswer(pc, description.sdp ?? ''); // video
      await pc.setLocalDescription();
      answered?.(); // video
      this.localVersion++;
      await this.send({ type: 'description', description: toDescription(pc) });
    }
    if (replaced) this.emit('restarted');
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
    this.callerLines?.clear(); // video
    this.meter.reset();
    old.close();
    this.addLocalTrack(this.pc);
    if (this.everConnected) this.setReconnecting(true);
  }

  /** @internal Also the video chunk's (`renegotiate`). */
  send(signal: MediaSignal): Promise<void> {
    const pc = this.pc;
    const version = this.localVersion;
    return sendSignal(this.options.sendSignal, signal, () => {
      return !this.closed && pc === this.pc && !this.isStale(signal, version);
    });
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
    const quality = await this.meter.read(pc);
    if (!this.closed && pc === this.pc) this.setQuality(quality);
  }
}

/** See `P2PSession.videoLines`. */
export interface VideoLines {
  beforeAnswer(pc: RTCPeerConnection, offerSdp: string): Promise<() => void>;
  /** The session closed: what still waits for a line never gets one. */
  close(): void;
}
