import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import webpush from 'web-push';
import type { PushMessage } from '@synapse-calling/protocol';
import type { PushSubscriptionRecord } from '../stores/types';
import { EndpointGuard, hostOf, isPublicAddress, PushEndpointError } from './endpoint-guard';
import type { VapidKeys } from './vapid';

export interface PushSendOptions {
  /** Seconds the push service keeps the message for a browser that is not reachable now. */
  ttlSeconds: number;
  /** A later message with the same topic replaces this one while it waits undelivered. */
  topic?: string | undefined;
}

/** How a push service answered: its HTTP status (201 = accepted; 404/410 = subscription gone). */
export interface PushResponse {
  status: number;
}

/** How long one request to a push service may take. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends one Web Push message: `web-push` encrypts the payload (RFC 8291, aes128gcm) and signs
 * the VAPID header (RFC 8292); the request itself goes out here, so that the endpoint guard
 * applies when connecting (not only at registration) and `close()` can abort what is in flight.
 * Every message is `urgency: high`: a ringing call is worth waking a phone for.
 */
export class PushSender {
  private readonly aborter = new AbortController();

  constructor(
    private readonly vapid: VapidKeys,
    private readonly guard: EndpointGuard,
  ) {}

  async send(
    subscription: PushSubscriptionRecord,
    message: PushMessage,
    options: PushSendOptions,
  ): Promise<PushResponse> {
    const url = this.guard.parse(subscription.endpoint);
    const allowlisted = this.guard.isAllowlisted(url);
    const host = hostOf(url);
    if (!allowlisted && isIP(host) && !isPublicAddress(host)) {
      throw new PushEndpointError('the endpoint is not a public host');
    }
    const details = webpush.generateRequestDetails(
      { endpoint: subscription.endpoint, keys: subscription.keys },
      JSON.stringify(message),
      {
        vapidDetails: this.vapid,
        TTL: options.ttlSeconds,
        urgency: 'high',
        contentEncoding: 'aes128gcm',
        ...(options.topic ? { topic: options.topic } : {}),
      },
    );
    const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<PushResponse>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          headers: details.headers as Record<string, string | number>,
          timeout: REQUEST_TIMEOUT_MS,
          signal: this.aborter.signal,
          ...(allowlisted ? {} : { lookup: this.guard.lookup }),
        },
        (res) => {
          // The body is of no use; drain it so the socket is released.
          res.resume();
          res.once('end', () => resolve({ status: res.statusCode ?? 0 }));
          res.once('error', reject);
        },
      );
      req.once('timeout', () => req.destroy(new Error('the push service did not answer in time')));
      req.once('error', reject);
      req.end(details.body ?? undefined);
    });
  }

  /** Aborts every request in flight (the server is shutting down). */
  close(): void {
    this.aborter.abort();
  }
}
