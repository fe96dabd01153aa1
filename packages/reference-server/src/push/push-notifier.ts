import type { Logger } from 'pino';
import type {
  CallEndedPush,
  CallInfo,
  IncomingCallPush,
  PushMessage,
} from '@synapse-calling/protocol';
import type { Metrics } from '../metrics';
import type { CallEvent } from '../options';
import type { PushSubscriptionRecord, PushSubscriptionStore } from '../stores/types';
import type { CallTokens } from './call-token';
import type { PushSendOptions, PushSender } from './push-sender';

export interface PushNotifierDeps {
  store: PushSubscriptionStore;
  sender: Pick<PushSender, 'send'>;
  tokens: CallTokens;
  ringTimeoutMs: number;
  metrics: Metrics;
  logger: Logger;
}

/** The notification tag of a call: one per call, so its `call-ended` push replaces it. */
export const pushTag = (callId: string): string => `synapse-call-${callId}`;

/**
 * Rings the callee's other devices: listens to the call events (beside the host's hook and
 * webhook) and pushes to every browser the callee registered. A call that starts ringing gets an
 * `incoming-call` push; one that stops ringing — answered, declined, cancelled, missed — a
 * `call-ended` push that closes the notification. Never throws: a failed push is logged and
 * counted, and a subscription the push service no longer knows (404/410) is deleted.
 */
export class PushNotifier {
  /** Per call, the incoming pushes in flight: its `call-ended` push goes out after them. */
  private readonly ringing = new Map<string, Promise<void>>();

  constructor(private readonly deps: PushNotifierDeps) {}

  /** The call event listener. */
  readonly handle = async (event: CallEvent): Promise<void> => {
    const { call, tenant } = event;
    if (event.type === 'call.ringing' && call.state === 'ringing') {
      const sent = this.ring(tenant, call);
      this.ringing.set(call.id, sent);
      await sent;
      // The call may stop ringing on another node, whose `call-ended` this node never sees.
      if (this.ringing.get(call.id) === sent) this.ringing.delete(call.id);
    } else if (event.type === 'call.accepted') {
      await this.stop(tenant, call, 'answered');
    } else if (
      event.type === 'call.ended' &&
      call.answeredAt === undefined &&
      call.endReason &&
      // Refused before it rang: nothing was pushed.
      call.endReason !== 'busy'
    ) {
      await this.stop(tenant, call, call.endReason);
    }
  };

  private async ring(tenant: string, call: CallInfo): Promise<void> {
    const expiresAt = call.createdAt + this.deps.ringTimeoutMs;
    let token: Promise<string> | undefined;
    await this.pushAll(tenant, call, Math.ceil((expiresAt - Date.now()) / 1000), async (sub) => {
      // One token for all of the callee's browsers, minted only if there is one.
      token ??= this.deps.tokens.sign({ tenant, userId: call.to.id, callId: call.id }, expiresAt);
      return {
        v: 1,
        type: 'incoming-call',
        callId: call.id,
        tag: pushTag(call.id),
        caller: { name: call.from.name, role: call.from.role },
        expiresAt,
        token: await token,
        serverUrl: sub.serverUrl,
        openUrl: sub.openUrl,
        lang: sub.lang,
      } satisfies IncomingCallPush;
    });
  }

  private async stop(tenant: string, call: CallInfo, reason: CallEndedPush['reason']) {
    const before = this.ringing.get(call.id);
    this.ringing.delete(call.id);
    await before;
    await this.pushAll(
      tenant,
      call,
      Math.ceil(this.deps.ringTimeoutMs / 1000),
      async (sub) =>
        ({
          v: 1,
          type: 'call-ended',
          callId: call.id,
          tag: pushTag(call.id),
          caller: { name: call.from.name, role: call.from.role },
          reason,
          lang: sub.lang,
        }) satisfies CallEndedPush,
    );
  }

  /** Sends `message(sub)` to every browser of the callee, in parallel, kept `ttlSeconds` (≥ 1). */
  private async pushAll(
    tenant: string,
    call: CallInfo,
    ttlSeconds: number,
    message: (sub: PushSubscriptionRecord) => Promise<PushMessage>,
  ): Promise<void> {
    const subscriptions = await this.subscriptions(tenant, call.to.id);
    const options = { ttlSeconds: Math.max(1, ttlSeconds), topic: topicOf(call.id) };
    await Promise.all(
      subscriptions.map(async (sub) => this.deliver(sub, await message(sub), options)),
    );
  }

  private async subscriptions(tenant: string, userId: string): Promise<PushSubscriptionRecord[]> {
    try {
      return await this.deps.store.forUser(tenant, userId);
    } catch (err) {
      this.deps.logger.error({ err }, 'could not read push subscriptions');
      return [];
    }
  }

  private async deliver(
    sub: PushSubscriptionRecord,
    message: PushMessage,
    options: PushSendOptions,
  ): Promise<void> {
    const count = (outcome: 'sent' | 'expired' | 'failed') =>
      this.deps.metrics.pushes.inc({ type: message.type, outcome });
    // The endpoint is a capability URL: logs name its host only.
    const host = URL.canParse(sub.endpoint) ? new URL(sub.endpoint).host : 'invalid';
    try {
      const { status } = await this.deps.sender.send(sub, message, options);
      if (status >= 200 && status < 300) return count('sent');
      if (status === 404 || status === 410) {
        count('expired');
        await this.deps.store.remove(sub.tenant, sub.userId, sub.endpoint);
        this.deps.logger.info({ host, status }, 'push subscription expired; deleted');
        return;
      }
      count('failed');
      this.deps.logger.warn({ host, status, type: message.type }, 'push service refused a push');
    } catch (err) {
      count('failed');
      this.deps.logger.warn({ err, host, type: message.type }, 'push failed');
    }
  }
}

/**
 * The push `Topic` of a call (≤ 32 URL-safe characters): its `call-ended` push then replaces an
 * `incoming-call` push still waiting at the push service for an unreachable browser.
 */
function topicOf(callId: string): string | undefined {
  const compact = callId.replace(/-/g, '');
  return /^[A-Za-z0-9_-]{1,32}$/.test(compact) ? compact : undefined;
}
