import {
  isErrorCode,
  type CallListResponse,
  type LiveKitTokenResponse,
  type PushConfigResponse,
  type PushRegistration,
  type RestErrorBody,
  type ServerConfigResponse,
} from '@synapse-calling/protocol';
import { CallError, SynapseError } from './errors';
import type { TokenSource } from './token';

export interface RestClientOptions {
  /** Base URL of the Synapse server; the API paths resolve against it. */
  baseUrl: string;
  /** Gives the Bearer token of each request. */
  tokens: Pick<TokenSource, 'get'>;
  /** `ClientOptions.fetch`, passed through. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
}

/**
 * The server's REST API, called with this user's Bearer token. A failure is always a
 * `SynapseError`: the server's own code when its error body names one, `not-connected` when no
 * answer came, `internal` for any other failed answer.
 */
export class RestClient {
  constructor(private readonly options: RestClientOptions) {}

  /** `GET /api/calls`: this user's calls, newest first. */
  listCalls(
    opts: { limit?: number | undefined; cursor?: string | undefined } = {},
  ): Promise<CallListResponse> {
    const query = new URLSearchParams();
    if (opts.limit !== undefined) query.set('limit', String(opts.limit));
    if (opts.cursor) query.set('cursor', opts.cursor);
    const qs = query.toString();
    return this.request<CallListResponse>('GET', `/api/calls${qs ? `?${qs}` : ''}`);
  }

  /** `POST /api/livekit/token`: a fresh room token, for a party of an active LiveKit call only. */
  livekitToken(callId: string): Promise<LiveKitTokenResponse> {
    return this.request<LiveKitTokenResponse>('POST', '/api/livekit/token', { callId });
  }

  /** `GET /api/push/config`: the VAPID public key to subscribe with (`not-found`: push is off). */
  pushConfig(): Promise<PushConfigResponse> {
    return this.request<PushConfigResponse>('GET', '/api/push/config');
  }

  /** `POST /api/push/subscriptions`: this browser rings for this user. */
  async registerPush(registration: PushRegistration): Promise<void> {
    await this.request('POST', '/api/push/subscriptions', registration);
  }

  /** `DELETE /api/push/subscriptions`: this browser stops ringing for this user. */
  async unregisterPush(endpoint: string): Promise<void> {
    await this.request('DELETE', '/api/push/subscriptions', { endpoint });
  }

  /**
   * `GET /api/config`: whether the server refuses this page's origin. `origin-not-allowed` when
   * it does; null when it allows it, outside a browser, or when there is no clear answer (server
   * down, no REST routes mounted, an older server): then the connection just keeps retrying.
   */
  async originRefusal(): Promise<SynapseError | null> {
    const origin = globalThis.location?.origin;
    if (!origin || origin === 'null') return null;
    const doFetch = this.options.fetch ?? globalThis.fetch;
    const url = new URL('/api/config', this.options.baseUrl);
    url.searchParams.set('origin', origin);
    try {
      const res = await doFetch(url.toString());
      const body = (await res.json()) as Partial<ServerConfigResponse> | null;
      return res.ok && body?.originAllowed === false ? CallError.originNotAllowed(origin) : null;
    } catch {
      return null;
    }
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    // Looked up per request, and called unbound: browsers refuse a `fetch` called as a method of
    // another object ("Illegal invocation").
    const doFetch = this.options.fetch ?? globalThis.fetch;
    const token = await this.options.tokens.get();
    let res: Response;
    try {
      res = await doFetch(new URL(path, this.options.baseUrl).toString(), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new SynapseError('not-connected', `Request to ${path} failed`, { cause: err });
    }
    const json: unknown = await res.json().catch(() => null);
    if (!res.ok) {
      const code = (json as RestErrorBody | null)?.error?.code;
      const message = (json as RestErrorBody | null)?.error?.message ?? `HTTP ${res.status}`;
      throw new SynapseError(isErrorCode(code) ? code : 'internal', message);
    }
    return json as T;
  }
}
