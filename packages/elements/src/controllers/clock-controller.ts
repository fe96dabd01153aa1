import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders its host every `intervalMs` while `running`, so relative times and call timers stay
 * live. Stops when the host leaves the document.
 */
export class ClockController implements ReactiveController {
  private timer: ReturnType<typeof setInterval> | undefined;
  private wanted = false;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private intervalMs: number,
  ) {
    host.addController(this);
  }

  /** Current time in ms since the epoch. */
  get now(): number {
    return Date.now();
  }

  /** Starts or stops ticking; changing the interval restarts the timer. */
  run(running: boolean, intervalMs = this.intervalMs): void {
    if (running === this.wanted && intervalMs === this.intervalMs) return;
    this.wanted = running;
    this.intervalMs = intervalMs;
    this.sync();
  }

  hostConnected(): void {
    this.connected = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.sync();
  }

  private sync(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.connected && this.wanted) {
      this.timer = setInterval(() => this.host.requestUpdate(), this.intervalMs);
    }
  }
}
