import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import type { CallEvent, WebhookOptions } from '../options';

export const SIGNATURE_HEADER = 'x-synapse-signature';
export const TIMESTAMP_HEADER = 'x-synapse-timestamp';
export const EVENT_ID_HEADER = 'x-synapse-event-id';

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, the value of X-Synapse-Signature.
 *
 * @example
 * // a test of your webhook receiver: sign a body as the server would
 * const body = JSON.stringify(event);
 * const timestamp = String(Math.floor(Date.now() / 1000));
 * await fetch('http://127.0.0.1:3000/hooks/calls', {
 *   method: 'POST',
 *   headers: {
 *     'content-type': 'application/json',
 *     [TIMESTAMP_HEADER]: timestamp,
 *     [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
 *     [EVENT_ID_HEADER]: event.id,
 *   },
 *   body,
 * });
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Why an event was given up: the queue was full, retries ran out, or the receiver said 4xx. */
export type DeadLetterReason = 'queue-full' | 'gave-up' | 'refused';

/** Deliveries in flight at once. */
const CONCURRENCY = 4;
/** At most one warning about failing deliveries per this long, however many fail. */
const REPORT_EVERY_MS = 60_000;

interface Job {
  event: CallEvent;
  body: string;
  attempts: number;
}

type Outcome = 'delivered' | 'retry' | 'refused';

/**
 * POSTs call events to the host app through a bounded queue. Network errors, 408, 429 and 5xx
 * are retried; other 4xx answers mean the receiver refuses the event and retrying is pointless.
 * While the receiver fails, the whole sender backs off (doubling per consecutive failure), so a
 * flood of events meets a slow trickle of POSTs instead of a multiple of itself; events that do
 * not fit the queue or run out of attempts are dropped and counted
 * (`synapse_webhook_dead_letters_total`), and failures are summarised in the log at most once a
 * minute.
 */
export class WebhookSender {
  private readonly queue: Job[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly maxAttempts: number;
  private readonly baseMs: number;
  private readonly maxQueue: number;
  /** Failed attempts in a row (any event); 0 while the receiver is healthy. */
  private failures = 0;
  private pausedUntil = 0;
  private wake: NodeJS.Timeout | undefined;
  private unreported = { failedAttempts: 0, deadLetters: 0 };
  private lastReport = 0;

  constructor(
    private readonly options: WebhookOptions,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseMs = options.retryBaseMs ?? 500;
    this.maxQueue = options.maxQueue ?? 1000;
  }

  send(event: CallEvent): void {
    if (this.abort.signal.aborted) return;
    if (this.queue.length >= this.maxQueue) return this.deadLetter('queue-full');
    this.queue.push({ event, body: JSON.stringify(event), attempts: 0 });
    this.metrics.webhookQueued.set(this.queue.length);
    this.pump();
  }

  /** Stops delivering; queued events are dropped, deliveries in flight abandoned. */
  async close(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.wake);
    this.queue.length = 0;
    this.metrics.webhookQueued.set(0);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Starts deliveries while there is room, unless backing off. */
  private pump(): void {
    if (this.abort.signal.aborted) return;
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) {
      this.wake ??= setTimeout(() => {
        this.wake = undefined;
        this.pump();
      }, wait);
      return;
    }
    while (this.inFlight.size < CONCURRENCY && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.metrics.webhookQueued.set(this.queue.length);
      const task = this.attempt(job).finally(() => {
        this.inFlight.delete(task);
        this.pump();
      });
      this.inFlight.add(task);
    }
  }

  private async attempt(job: Job): Promise<void> {
    job.attempts++;
    const outcome = await this.post(job);
    if (this.abort.signal.aborted) return;
    if (outcome === 'delivered') {
      if (this.failures > 0)
        this.logger.info({ after: this.failures }, 'webhook receiver recovered');
      this.failures = 0;
      return;
    }
    if (outcome === 'refused') return this.deadLetter('refused');
    this.failures++;
    this.unreported.failedAttempts++;
    // Doubling per failure in a row, capped where one event's own retries would have ended.
    const steps = Math.min(this.failures, Math.max(this.maxAttempts - 1, 1)) - 1;
    this.pausedUntil = Date.now() + this.baseMs * 2 ** steps;
    if (job.attempts >= this.maxAttempts) this.deadLetter('gave-up');
    else this.queue.unshift(job); // first again once the pause is over: order is kept
    this.report();
  }

  private async post(job: Job): Promise<Outcome> {
    // A fresh timestamp per attempt, so receivers may reject stale replays by age.
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, timestamp, job.body),
          [TIMESTAMP_HEADER]: timestamp,
          [EVENT_ID_HEADER]: job.event.id,
        },
        body: job.body,
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(10_000)]),
      });
      // We only need the status; an unread body would hold the connection until GC.
      void res.body?.cancel().catch(() => undefined);
      if (res.ok) return 'delivered';
      return res.status === 408 || res.status === 429 || res.status >= 500 ? 'retry' : 'refused';
    } catch {
      return 'retry';
    }
  }

  private deadLetter(reason: DeadLetterReason): void {
    this.metrics.webhookDeadLetters.inc({ reason });
    this.unreported.deadLetters++;
    this.report();
  }

  /** One warning now and then, with counts, whatever the rate of failures (an attacker's). */
  private report(): void {
    const now = Date.now();
    if (now - this.lastReport < REPORT_EVERY_MS) return;
    this.lastReport = now;
    this.logger.warn(
      { ...this.unreported, queued: this.queue.length, url: this.options.url },
      'webhook deliveries failing',
    );
    this.unreported = { failedAttempts: 0, deadLetters: 0 };
  }
}
