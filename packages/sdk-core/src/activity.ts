import { TypedEmitter } from './emitter';

export interface ActivityEvents {
  /** The user became idle (no input for the timeout, or the tab is hidden) or active again. */
  idleChanged: (idle: boolean) => void;
}

const INPUT_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'focus'];

/**
 * Watches for user activity so presence can turn `away` by itself. Every DOM access is guarded:
 * in Node (SSR, tests, bots) there is no input, so only the timeout and `reportActivity()` apply.
 */
export class ActivityMonitor extends TypedEmitter<ActivityEvents> {
  private lastActivity = Date.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private started = false;
  private idleNow = false;
  private readonly cleanups: (() => void)[] = [];

  /** @param idleTimeoutMs no input for this long means idle; `false` never idles on inactivity. */
  constructor(private readonly idleTimeoutMs: number | false) {
    super();
  }

  get idle(): boolean {
    return this.idleNow;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.lastActivity = Date.now();
    const onInput = () => this.reportActivity();
    if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
      for (const name of INPUT_EVENTS) {
        window.addEventListener(name, onInput, { passive: true, capture: true });
        this.cleanups.push(() => window.removeEventListener(name, onInput, { capture: true }));
      }
    }
    if (typeof document !== 'undefined' && typeof document.addEventListener === 'function') {
      const onVisibility = () => {
        if (document.visibilityState === 'visible') this.reportActivity();
        else this.evaluate();
      };
      document.addEventListener('visibilitychange', onVisibility);
      this.cleanups.push(() => document.removeEventListener('visibilitychange', onVisibility));
    }
    if (this.idleTimeoutMs !== false) {
      // Checking a few times per timeout keeps input handlers cheap (they only store a time).
      const every = Math.max(50, Math.min(this.idleTimeoutMs / 4, 15_000));
      this.timer = setInterval(() => this.evaluate(), every);
    }
    this.evaluate();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.started = false;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.idleNow = false;
  }

  /** Marks the user active now (input seen by the app itself, an Electron window focus…). */
  reportActivity(): void {
    this.lastActivity = Date.now();
    if (this.idleNow) this.evaluate();
  }

  private evaluate(): void {
    const hidden = typeof document !== 'undefined' && document.visibilityState === 'hidden';
    const inactive =
      this.idleTimeoutMs !== false && Date.now() - this.lastActivity >= this.idleTimeoutMs;
    const idle = hidden || inactive;
    if (idle === this.idleNow) return;
    this.idleNow = idle;
    this.emit('idleChanged', idle);
  }
}
