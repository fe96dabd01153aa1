import { DEFAULTS, type SynapseServerOptions } from '../options';

/** The limits a server enforces: the options given, each unset one at its default. */
export interface Limits {
  /** Per connection: a token bucket. */
  rateLimit: { perSecond: number; burst: number } | false;
  /** Per user, all connections and nodes together: events per one-second window. */
  userRateLimit: { perSecond: number } | false;
  maxConnectionsPerUser: number;
  maxPresenceSubscriptions: number;
  /** Per client address: new connections per one-second window, before any token is checked. */
  handshakeRateLimit: { perSecond: number } | false;
  handshakeTimeoutMs: number;
  /** Per connection: bytes per second before its WebSocket stops being read for a moment. */
  maxInboundBytesPerSecond: number;
  restRateLimit: { perUserPerSecond: number; perIpPerSecond: number } | false;
  /** Reverse proxies trusted to append the client's address to `X-Forwarded-For`. */
  trustProxy: number;
}

type LimitOptions = Pick<SynapseServerOptions, keyof Limits>;

/**
 * Merges the limit options over `DEFAULTS`. An option left out, or given as `undefined` (which
 * plain JavaScript callers and spread configs produce), takes its default; only `false` turns a
 * rate limit off.
 */
export function resolveLimits(options: LimitOptions): Limits {
  return {
    rateLimit: merged(DEFAULTS.rateLimit, options.rateLimit),
    userRateLimit: merged(DEFAULTS.userRateLimit, options.userRateLimit),
    maxConnectionsPerUser: options.maxConnectionsPerUser ?? DEFAULTS.maxConnectionsPerUser,
    maxPresenceSubscriptions: options.maxPresenceSubscriptions ?? DEFAULTS.maxPresenceSubscriptions,
    handshakeRateLimit: merged(DEFAULTS.handshakeRateLimit, options.handshakeRateLimit),
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
    maxInboundBytesPerSecond: options.maxInboundBytesPerSecond ?? DEFAULTS.maxInboundBytesPerSecond,
    restRateLimit: merged(DEFAULTS.restRateLimit, options.restRateLimit),
    trustProxy: options.trustProxy ?? DEFAULTS.trustProxy,
  };
}

function merged<K extends string>(
  defaults: Readonly<Record<K, number>>,
  given: Partial<Record<K, number | undefined>> | false | undefined,
): Record<K, number> | false {
  if (given === false) return false;
  const set = Object.entries(given ?? {}).filter(([, value]) => value !== undefined);
  return { ...defaults, ...Object.fromEntries(set) };
}
