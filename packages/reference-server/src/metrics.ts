import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { countByState } from './stores/memory-call-registry';
import type { CallRegistry } from './stores/types';

/**
 * Prometheus metrics on a Registry of our own, so that embedding the server never collides with
 * the host app's default registry.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'synapse_connections',
    help: 'Open Socket.IO connections on the /call namespace',
    registers: [this.registry],
  });
  readonly callsEnded = new Counter({
    name: 'synapse_calls_ended_total',
    help: 'Calls ended, by end reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly handling = new Histogram({
    name: 'synapse_signaling_handling_seconds',
    help: 'Time to handle one client event, by event and outcome',
    labelNames: ['event', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'synapse_rate_limited_total',
    help: 'Client events refused by the per-connection rate limit',
    registers: [this.registry],
  });
  readonly webhookDeadLetters = new Counter({
    name: 'synapse_webhook_dead_letters_total',
    help: 'Call events never delivered to the host webhook, by reason (queue-full, gave-up, refused)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly webhookQueued = new Gauge({
    name: 'synapse_webhook_queued',
    help: 'Call events waiting for delivery to the host webhook',
    registers: [this.registry],
  });
  readonly limitRefusals = new Counter({
    name: 'synapse_limit_refusals_total',
    help: 'Requests refused by a per-user or per-address limit, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly pushes = new Counter({
    name: 'synapse_push_messages_total',
    help: 'Web Push messages to push services, by type and outcome (sent, expired: the subscription was gone and is deleted, failed)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly livekitWebhooks = new Counter({
    name: 'synapse_livekit_webhooks_total',
    help: 'Verified LiveKit webhooks received, by event',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  constructor(calls: CallRegistry) {
    new Gauge({
      name: 'synapse_calls',
      help: 'Unfinished calls, by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      // Read from the registry at scrape time so the gauge can never drift from the truth;
      // counted by the registry where it can (two counts in Redis, not a read of every call).
      async collect() {
        const counts = calls.counts ? await calls.counts() : countByState(await calls.all());
        this.set({ state: 'ringing' }, counts.ringing);
        this.set({ state: 'active' }, counts.active);
      },
    });
  }
}
