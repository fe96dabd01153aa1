import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
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

/**
 * POSTs call events to the host app. Each event is retried with exponential backoff on network
 * errors, 408, 429 and 5xx; other 4xx answers mean the receiver refuses it and retrying is
 * pointless. Events are independent: one slow event does not hold up the next.
 */
export class WebhookSender {
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly options: WebhookOptions,
    private readonly logger: Logger,
  ) {}

  send(event: CallEvent): void {
    const task = this.deliver(event).finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Stops retrying; deliveries in flight are abandoned. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.pending]);
  }

  private async deliver(event: CallEvent): Promise<void> {
    const body = JSON.stringify(event);
    const maxAttempts = this.options.maxAttempts ?? 5;
    let delay = this.options.retryBaseMs ?? 500;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (this.abort.signal.aborted) return;
      // A fresh timestamp per attempt, so receivers may reject stale replays by age.
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signWebhook(this.options.secret, timestamp, body),
            [TIMESTAMP_HEADER]: timestamp,
            [EVENT_ID_HEADER]: event.id,
          },
          body,
          signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(10_000)]),
        });
        // We only need the status; an unread body would hold the connection until GC.
        void res.body?.cancel().catch(() => undefined);
        if (res.ok) return;
        const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
        this.logger.warn({ status: res.status, event: event.id, attempt }, 'webhook refused');
        if (!retryable) return;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        this.logger.warn({ err, event: event.id, attempt }, 'webhook delivery failed');
      }
      if (attempt < maxAttempts) {
        await sleep(delay, this.abort.signal);
        delay *= 2;
      }
    }
    this.logger.error({ event: event.id, type: event.type }, 'webhook given up');
  }
}

/**
 * Waits `ms`, or less if `signal` aborts. Removes its listener either way: the signal is shared
 * by every delivery for the server's lifetime, and listeners left behind would pile up.
 */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
