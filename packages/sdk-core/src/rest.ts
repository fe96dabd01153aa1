import {
  isErrorCode,
  type AgentLineStatus,
  type AgentLineStatusResponse,
  type CallListResponse,
  type LineStatus,
  type LineStatusResponse,
  type TransferTargetsResponse,
  type LiveKitTokenResponse,
  type PushConfigResponse,
  type PushRegistration,
  type RecordingChunkResponse,
  type RecordingPartResponse,
  type RestErrorBody,
  type ServerConfigResponse,
} from '@synapse-calling/protocol';
import { CallError, SynapseError } from './errors';
import type { TokenSource } from './token';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

const recordingPath = (callId: string) => `/api/calls/${encodeURIComponent(callId)}/recording`;

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

  /** `GET /api/lines/:id/status`: counts of a line of this user's tenant (docs/lines.md). */
  async lineStatus(lineId: string): Promise<LineStatus> {
    const path = `/api/lines/${encodeURIComponent(lineId)}/status`;
    return (await this.request<LineStatusResponse>('GET', path)).status;
  }

  /** `GET /api/lines/:id/agent-status`: a member agent's view of their line (docs/lines.md). */
  async agentLineStatus(lineId: string): Promise<AgentLineStatus> {
    const path = `/api/lines/${encodeURIComponent(lineId)}/agent-status`;
    return (await this.request<AgentLineStatusResponse>('GET', path)).status;
  }

  /** `PUT /api/lines/:id/taking-calls`: a member agent pauses or resumes taking its calls. */
  async setTakingCalls(lineId: string, takingCalls: boolean): Promise<void> {
    const path = `/api/lines/${encodeURIComponent(lineId)}/taking-calls`;
    await this.request('PUT', path, { takingCalls });
  }

  /** `GET /api/transfer-targets`: the agents (with presence) and lines an agent may transfer to. */
  transferTargets(): Promise<TransferTargetsResponse> {
    return this.request<TransferTargetsResponse>('GET', '/api/transfer-targets');
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

  /** `POST /api/calls/:id/recording/parts`: a new part of a P2P recording (this browser records). */
  recordingPart(callId: string): Promise<RecordingPartResponse> {
    return this.request('POST', `${recordingPath(callId)}/parts`);
  }

  /** `PUT …/parts/:part/chunks/:seq`: one chunk; the same `seq` again is harmless (a retry). */
  recordingChunk(
    callId: string,
    part: number,
    seq: number,
    data: Blob,
    last: boolean,
    keepalive = false,
  ): Promise<RecordingChunkResponse> {
    const path = `${recordingPath(callId)}/parts/${part}/chunks/${seq}${last ? '?last=1' : ''}`;
    return this.request('PUT', path, data, keepalive);
  }

  /** `GET /api/calls/:id/recording`: the call's recording (parties only), as a Blob. */
  async fetchRecording(callId: string): Promise<Blob> {
    return (await this.send('GET', recordingPath(callId))).blob();
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
    method: Method,
    path: string,
    body?: unknown,
    keepalive?: boolean,
  ): Promise<T> {
    const res = await this.send(method, path, body, keepalive);
    return (await res.json().catch(() => null)) as T;
  }

  /** Sends with the Bearer token; a Blob goes as it is, anything else as JSON. */
  private async send(
    method: Method,
    path: string,
    body?: unknown,
    keepalive = false,
  ): Promise<Response> {
    // Looked up per request, and called unbound: browsers refuse a `fetch` called as a method of
    // another object ("Illegal invocation").
    const doFetch = this.options.fetch ?? globalThis.fetch;
    const token = await this.options.tokens.get();
    const raw = typeof Blob !== 'undefined' && body instanceof Blob;
    let res: Response;
    try {
      res = await doFetch(new URL(path, this.options.baseUrl).toString(), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined || raw ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
        ...(keepalive ? { keepalive } : {}),
      });
    } catch (err) {
      throw new SynapseError('not-connected', `Request to ${path} failed`, { cause: err });
    }
    if (!res.ok) {
      const json = (await res.json().catch(() => null)) as RestErrorBody | null;
      const code = json?.error?.code;
      const message = json?.error?.message ?? `HTTP ${res.status}`;
      throw new SynapseError(isErrorCode(code) ? code : 'internal', message);
    }
    return res;
  }
}
