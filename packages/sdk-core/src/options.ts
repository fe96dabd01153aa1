import type { ReconnectOptions } from './signaling';

/**
 * Options of {@link createClient}. Only `url` and one of `token`/`tokenProvider`/`tokenUrl` are
 * required.
 */
export interface ClientOptions {
  /** Base URL of the Synapse server, e.g. `https://calls.example.com`. */
  url: string;
  /** A JWT for this user. Enough for short sessions; prefer `tokenProvider` for long ones. */
  token?: string;
  /**
   * Returns a fresh JWT (usually from your backend). Called for the first connection when no
   * `token` is given, before every reconnect, ahead of expiry and after `token-expired`.
   */
  tokenProvider?: () => Promise<string>;
  /**
   * Instead of `tokenProvider`: a URL of your backend that answers with a fresh token for the
   * signed-in user, as JSON `{ "token": "…" }` or as the bare JWT in plain text. Fetched with the
   * page's cookies (`credentials: 'include'`) whenever `tokenProvider` would be called.
   */
  tokenUrl?: string;
  /** Socket.IO path on the server. @default '/socket.io' */
  path?: string;
  /** Reconnection backoff (exponential with jitter). @default { initialDelayMs: 500, maxDelayMs: 10000, jitter: 0.5, maxAttempts: Infinity } */
  reconnect?: ReconnectOptions;
  /** How long to wait for an acknowledgement before failing with `timeout`. @default 10000 */
  ackTimeoutMs?: number;
  /** How long `connect()` waits for the first connection before failing with `timeout`. @default 20000 */
  connectTimeoutMs?: number;
  /** How often to send `heartbeat` (activity report and liveness). @default 25000 */
  heartbeatIntervalMs?: number;
  /** Go `away` after this much inactivity; `false` disables (a hidden tab is still idle). @default 300000 (5 min) */
  idleTimeoutMs?: number | false;
  /** Refresh the token this long before it expires (with `tokenProvider`). @default 60000 */
  refreshTokenBeforeExpiryMs?: number;
  /** `fetch` for REST calls (history, LiveKit token) and `tokenUrl`. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Whether calls carry audio. `false` gives signalling-only calls (bots, tests, servers).
   * @default true where WebRTC exists (browsers), false elsewhere (Node)
   */
  media?: boolean;
  /** Microphone constraints. @default { echoCancellation: true, noiseSuppression: true, autoGainControl: true } */
  audioConstraints?: MediaTrackConstraints;
  /**
   * End a call whose media has not connected after this long; it ends `failed` on both sides
   * (the UI says "Could not connect"). @default 30000
   */
  mediaConnectTimeoutMs?: number;
  /**
   * End a call whose media lost its path (`mediaReconnecting`) and has not come back after this
   * long; it ends `disconnected` on both sides. @default 20000
   */
  mediaReconnectTimeoutMs?: number;
  /** How often P2P quality is read from `getStats()`. @default 2000 */
  statsIntervalMs?: number;
}

type TokenOptions = 'token' | 'tokenProvider' | 'tokenUrl' | 'fetch';

export type ResolvedOptions = Required<Omit<ClientOptions, TokenOptions>> &
  Pick<ClientOptions, TokenOptions> & {
    reconnect: Required<ReconnectOptions>;
  };

export function resolveOptions(options: ClientOptions, mediaSupported: boolean): ResolvedOptions {
  return {
    path: '/socket.io',
    ackTimeoutMs: 10_000,
    connectTimeoutMs: 20_000,
    heartbeatIntervalMs: 25_000,
    idleTimeoutMs: 5 * 60_000,
    refreshTokenBeforeExpiryMs: 60_000,
    media: mediaSupported,
    audioConstraints: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    mediaConnectTimeoutMs: 30_000,
    mediaReconnectTimeoutMs: 20_000,
    statsIntervalMs: 2_000,
    ...stripUndefined(options),
    url: options.url,
    reconnect: {
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      jitter: 0.5,
      maxAttempts: Infinity,
      ...stripUndefined(options.reconnect ?? {}),
    },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
