import { TypedEmitter } from '../emitter';
import { mediaError } from '../errors';

export interface RemoteAudioEvents {
  audioBlockedChanged: (blocked: boolean) => void;
  audioLevel: (level: number) => void;
}

/** How often the remote level is sampled while someone listens for it. */
const LEVEL_INTERVAL_MS = 100;

/**
 * Plays the remote stream through an `<audio>` element the SDK owns (not in the DOM), notices
 * when autoplay is blocked, routes output with `setSinkId`, and measures the remote level with
 * an AnalyserNode for a speaking indicator. Shared by both media implementations.
 */
export class RemoteAudio extends TypedEmitter<RemoteAudioEvents> {
  readonly element: HTMLAudioElement | null;
  private stream: MediaStream | null = null;
  private blocked = false;
  private ctx: AudioContext | null = null;
  private analyser: AnalyserNode | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private levelTimer: ReturnType<typeof setInterval> | undefined;
  private sinkId: string | null = null;
  level = 0;

  constructor() {
    super();
    this.element = typeof Audio !== 'undefined' ? new Audio() : null;
    if (this.element) this.element.autoplay = true;
  }

  get audioBlocked(): boolean {
    return this.blocked;
  }

  get remoteStream(): MediaStream | null {
    return this.stream;
  }

  attach(stream: MediaStream): void {
    this.stream = stream;
    if (this.element) {
      this.element.srcObject = stream;
      if (this.sinkId) void this.applySink(this.sinkId).catch(() => undefined);
      void this.play();
    }
    this.startLevel(stream);
  }

  /** Tries to play; when the browser refuses (autoplay policy) `audioBlocked` turns true. */
  async play(): Promise<void> {
    if (!this.element?.srcObject) return;
    try {
      await this.element.play();
      this.setBlocked(false);
    } catch (err) {
      if ((err as { name?: string }).name === 'NotAllowedError') this.setBlocked(true);
      else if ((err as { name?: string }).name !== 'AbortError') throw mediaError(err);
    }
  }

  /** Call from a user gesture (a click) to start blocked audio. */
  async start(): Promise<void> {
    if (this.ctx?.state === 'suspended') await this.ctx.resume().catch(() => undefined);
    await this.play();
  }

  async setOutputDevice(deviceId: string): Promise<void> {
    this.sinkId = deviceId;
    await this.applySink(deviceId);
  }

  close(): void {
    clearInterval(this.levelTimer);
    this.source?.disconnect();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = null;
    if (this.element) {
      this.element.pause();
      this.element.srcObject = null;
    }
    this.stream = null;
    this.removeAll();
  }

  private async applySink(deviceId: string): Promise<void> {
    const el = this.element as
      (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!el?.setSinkId) {
      throw mediaError(new DOMException('setSinkId is not supported', 'NotSupportedError'));
    }
    try {
      await el.setSinkId(deviceId === 'default' ? '' : deviceId);
    } catch (err) {
      throw mediaError(err);
    }
  }

  private setBlocked(blocked: boolean): void {
    if (blocked === this.blocked) return;
    this.blocked = blocked;
    this.emit('audioBlockedChanged', blocked);
  }

  private startLevel(stream: MediaStream): void {
    clearInterval(this.levelTimer);
    if (typeof AudioContext === 'undefined' || stream.getAudioTracks().length === 0) return;
    try {
      this.ctx ??= new AudioContext();
      this.source?.disconnect();
      this.source = this.ctx.createMediaStreamSource(stream);
      this.analyser = this.ctx.createAnalyser();
      this.analyser.fftSize = 512;
      this.source.connect(this.analyser);
    } catch {
      return; // a level meter is a nicety; never fail a call over it
    }
    const buf = new Float32Array(this.analyser.fftSize);
    this.levelTimer = setInterval(() => {
      if (!this.analyser) return;
      this.analyser.getFloatTimeDomainData(buf);
      let sum = 0;
      for (const v of buf) sum += v * v;
      // RMS scaled so normal speech sits around 0.3–0.8 and full scale caps at 1.
      const level = Math.min(1, Math.sqrt(sum / buf.length) * 3);
      this.level = level;
      this.emit('audioLevel', level);
    }, LEVEL_INTERVAL_MS);
  }
}
