/**
 * A ringtone synthesised with WebAudio (no asset file): two mixed sine tones in a
 * "ring-ring … pause" cadence. `start()` and `stop()` are idempotent; the AudioContext is created
 * on first start and closed on `dispose()`.
 */
export class Ringtone {
  private ctx: AudioContext | undefined;
  private gain: GainNode | undefined;
  private oscillators: OscillatorNode[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly frequencies: readonly number[] = [440, 480],
    /** One cadence: [on, off, on, off] in seconds. */
    private readonly cadence: readonly number[] = [0.4, 0.2, 0.4, 2],
    private readonly volume = 0.15,
  ) {}

  /** True between `start()` and `stop()`. */
  get playing(): boolean {
    return this.timer !== undefined;
  }

  /** The AudioContext's state (`running`, `suspended` when autoplay is blocked), for diagnostics. */
  get audioState(): AudioContextState | 'none' {
    return this.ctx?.state ?? 'none';
  }

  start(): void {
    if (this.playing || typeof AudioContext === 'undefined') return;
    const ctx = (this.ctx ??= new AudioContext());
    // Without a user gesture the context may start suspended; resume is harmless when running.
    void ctx.resume().catch(() => undefined);
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    this.gain = gain;
    this.oscillators = this.frequencies.map((frequency) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start();
      return osc;
    });
    const period = this.cadence.reduce((a, b) => a + b, 0);
    const schedule = () => this.scheduleCadence(ctx, gain);
    schedule();
    this.timer = setInterval(schedule, period * 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const osc of this.oscillators) {
      try {
        osc.stop();
      } catch {
        // Already stopped.
      }
      osc.disconnect();
    }
    this.oscillators = [];
    this.gain?.disconnect();
    this.gain = undefined;
  }

  dispose(): void {
    this.stop();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = undefined;
  }

  private scheduleCadence(ctx: AudioContext, gain: GainNode): void {
    let t = ctx.currentTime;
    const level = gain.gain;
    level.cancelScheduledValues(t);
    level.setValueAtTime(0, t);
    this.cadence.forEach((seconds, i) => {
      const on = i % 2 === 0;
      // Short ramps avoid clicks at the edges.
      level.linearRampToValueAtTime(on ? this.volume : 0, t + 0.02);
      level.setValueAtTime(on ? this.volume : 0, t + seconds - 0.02);
      t += seconds;
    });
    level.linearRampToValueAtTime(0, t);
  }
}
