import type { Logger } from 'pino';
import type { Metrics } from '../metrics';
import { DEFAULTS, type PushOptions } from '../options';
import type { PushSubscriptionStore } from '../stores/types';
import { CallTokens } from './call-token';
import { EndpointGuard } from './endpoint-guard';
import { PushNotifier } from './push-notifier';
import { PushSender } from './push-sender';
import { loadVapidKeys, type VapidRedis } from './vapid';

/** Web Push as the server runs it: keys, the endpoint guard, tokens and the notifier. */
export interface PushService {
  /** The VAPID public key browsers subscribe with (base64url). */
  publicKey: string;
  guard: EndpointGuard;
  tokens: CallTokens;
  store: PushSubscriptionStore;
  maxSubscriptionsPerUser: number;
  /** Listens to the call events and pushes. */
  notifier: PushNotifier;
  /** Aborts pushes in flight. */
  close(): void;
}

export interface PushServiceDeps {
  store: PushSubscriptionStore;
  dataDir: string;
  redis?: { client: VapidRedis; keyPrefix: string } | undefined;
  ringTimeoutMs: number;
  metrics: Metrics;
  logger: Logger;
}

/** Loads (or generates) the VAPID keys and builds the push parts. */
export async function startPushService(
  options: PushOptions,
  deps: PushServiceDeps,
): Promise<PushService> {
  const vapid = await loadVapidKeys({
    configured: options.vapid,
    subject: options.subject,
    dataDir: deps.dataDir,
    redis: deps.redis,
    logger: deps.logger,
  });
  const guard = new EndpointGuard(options.allowedEndpoints ?? []);
  const tokens = new CallTokens(vapid.privateKey);
  const sender = new PushSender(vapid, guard);
  const notifier = new PushNotifier({
    store: deps.store,
    sender,
    tokens,
    ringTimeoutMs: deps.ringTimeoutMs,
    metrics: deps.metrics,
    logger: deps.logger,
  });
  return {
    publicKey: vapid.publicKey,
    guard,
    tokens,
    store: deps.store,
    maxSubscriptionsPerUser:
      options.maxSubscriptionsPerUser ?? DEFAULTS.maxPushSubscriptionsPerUser,
    notifier,
    close: () => sender.close(),
  };
}
