/** One clock for every bucket (a default parameter would make a closure per connection). */
const monotonicNow = (): number => performance.now();

/**
 * A token bucket per connection: `burst` events at once, refilled at `perSecond`. Per connection
 * rather than per IP, because many users of one office or carrier NAT share an address.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = monotonicNow,
  ) {
    this.tokens = burst;
    this.last = this.now();
  }

  /** Takes one token; `false` means the event must be refused. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
