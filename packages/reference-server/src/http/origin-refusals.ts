import type { Logger } from 'pino';

/** One line per refused origin per this long. */
const LOG_EVERY_MS = 60_000;
/** Origins remembered at most: the header is the client's to choose, so memory must not grow with it. */
const MAX_ORIGINS = 1_000;

/**
 * Logs browser origins the allowlist refuses, at warn, at most one line per origin per minute
 * (with how many refusals the line stands for): a page missing from `allowedOrigins` shows up in
 * the log at once, and its retries every few seconds do not flood it.
 */
export class OriginRefusals {
  private readonly seen = new Map<string, { loggedAt: number; since: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Notes one refusal of `origin` by the Socket.IO handshake or the REST API. */
  refused(origin: string, where: 'socket' | 'rest'): void {
    const now = this.now();
    const entry = this.seen.get(origin);
    if (entry && now - entry.loggedAt < LOG_EVERY_MS) {
      entry.since++;
      return;
    }
    if (!entry && this.seen.size >= MAX_ORIGINS) {
      this.forgetOld(now);
      // Still full: many origins refused within a minute, which is someone probing, not a page.
      if (this.seen.size >= MAX_ORIGINS) return;
    }
    this.seen.set(origin, { loggedAt: now, since: 0 });
    this.logger.warn(
      { origin: origin.slice(0, 200), where, refused: (entry?.since ?? 0) + 1 },
      'origin not allowed; add it to allowedOrigins (SYNAPSE_ALLOWED_ORIGINS) if this page should connect',
    );
  }

  private forgetOld(now: number): void {
    for (const [origin, entry] of this.seen) {
      if (now - entry.loggedAt >= LOG_EVERY_MS) this.seen.delete(origin);
    }
  }
}
