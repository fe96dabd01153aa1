import { z } from 'zod';
import { LIMITS, type IceServer } from '@synapse-calling/protocol';
import { MIN_SECRET_LENGTH, secureOrLocal } from './auth';
import type { RedisOptions } from './cluster/redis-cluster';
import type { PushOptions } from './options';
import { RELAY_ONLY_PRESETS, relayOnlyRule } from './media/relay-policy';
import { hasTurn } from './media/turn';
import { readLinesFile } from './lines/line-config';
import type { StartSynapseServerOptions } from './standalone';

/** A configuration problem, phrased as the one line the CLI prints before exiting. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const int = (name: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `${name} must be at least ${min}`)
        .max(max, `${name} must be at most ${max}`),
    )
    .optional();

const url = (name: string, protocols: RegExp) =>
  z
    .string()
    .refine((v) => URL.canParse(v) && protocols.test(new URL(v).protocol), {
      message: `${name} must be a ${protocols.source.replace(/[\^$()]/g, '')} URL`,
    })
    .optional();

const iceServer = z.object({
  urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

const iceServers = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'SYNAPSE_ICE_SERVERS must be JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z.array(iceServer, {
      error: 'SYNAPSE_ICE_SERVERS must be a JSON array of { urls, username?, credential? }',
    }),
  )
  .optional();

/** A comma-separated list of origins (`https://crm.example.com, http://localhost:5173`). */
const originList = (name: string, example: string) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z.string().refine((o) => URL.canParse(o) && new URL(o).origin === o.replace(/\/$/, ''), {
          message: `${name} must be comma-separated origins like ${example}`,
        }),
      ),
    )
    .optional();

const list = (name: string, each: z.ZodString) =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(each).min(1, `${name} must list at least one value`))
    .optional();

const turnUrls = list(
  'SYNAPSE_TURN_URLS',
  z
    .string()
    .regex(/^turns?:\S+$/i, 'SYNAPSE_TURN_URLS must be comma-separated turn: or turns: URLs'),
);

/** `*` (every tenant) or comma-separated tenant ids. */
const tenants = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  )
  .optional();

const tenantSetting = (list: string[] | undefined): boolean | ((tenant: string) => boolean) =>
  !list || list.length === 0 ? false : list.includes('*') ? true : (t) => list.includes(t);

const envSchema = z
  .object({
    PORT: int('PORT', 0, 65535),
    HOST: z.string().optional(),
    SYNAPSE_JWT_SECRET: z
      .string()
      .min(MIN_SECRET_LENGTH, `SYNAPSE_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`)
      .optional(),
    SYNAPSE_JWKS_URL: url('SYNAPSE_JWKS_URL', /^(https?:)$/).refine(
      (v) => v === undefined || secureOrLocal(v),
      'SYNAPSE_JWKS_URL must use https (plain http only on localhost)',
    ),
    SYNAPSE_JWT_ISSUER: z.string().optional(),
    SYNAPSE_JWT_AUDIENCE: z.string().optional(),
    SYNAPSE_JWT_MAX_LIFETIME_SEC: int('SYNAPSE_JWT_MAX_LIFETIME_SEC', 60),
    SYNAPSE_ALLOWED_ORIGINS: originList('SYNAPSE_ALLOWED_ORIGINS', 'https://crm.example.com'),
    SYNAPSE_DATA_DIR: z.string().optional(),
    SYNAPSE_STATIC_DIR: z.string().optional(),
    SYNAPSE_RING_TIMEOUT_MS: int('SYNAPSE_RING_TIMEOUT_MS', 1000),
    SYNAPSE_RECONNECT_GRACE_MS: int('SYNAPSE_RECONNECT_GRACE_MS', 0),
    SYNAPSE_PRESENCE_GRACE_MS: int('SYNAPSE_PRESENCE_GRACE_MS', 0),
    SYNAPSE_RATE_LIMIT_PER_SEC: int('SYNAPSE_RATE_LIMIT_PER_SEC', 1),
    SYNAPSE_RATE_LIMIT_BURST: int('SYNAPSE_RATE_LIMIT_BURST', 1),
    SYNAPSE_CALL_LOG_RETENTION_DAYS: int('SYNAPSE_CALL_LOG_RETENTION_DAYS', 1),
    SYNAPSE_MAINTENANCE_INTERVAL_MS: int('SYNAPSE_MAINTENANCE_INTERVAL_MS', 100),
    SYNAPSE_USER_RATE_LIMIT_PER_SEC: int('SYNAPSE_USER_RATE_LIMIT_PER_SEC', 1),
    SYNAPSE_MAX_CONNECTIONS_PER_USER: int('SYNAPSE_MAX_CONNECTIONS_PER_USER', 1),
    SYNAPSE_MAX_PRESENCE_SUBSCRIPTIONS: int('SYNAPSE_MAX_PRESENCE_SUBSCRIPTIONS', 1),
    SYNAPSE_HANDSHAKE_RATE_LIMIT_PER_SEC: int('SYNAPSE_HANDSHAKE_RATE_LIMIT_PER_SEC', 1),
    SYNAPSE_HANDSHAKE_TIMEOUT_MS: int('SYNAPSE_HANDSHAKE_TIMEOUT_MS', 500),
    SYNAPSE_MAX_INBOUND_BYTES_PER_SEC: int(
      'SYNAPSE_MAX_INBOUND_BYTES_PER_SEC',
      LIMITS.maxFrameBytes,
    ),
    SYNAPSE_REST_RATE_LIMIT_PER_SEC: int('SYNAPSE_REST_RATE_LIMIT_PER_SEC', 1),
    SYNAPSE_REST_IP_RATE_LIMIT_PER_SEC: int('SYNAPSE_REST_IP_RATE_LIMIT_PER_SEC', 1),
    SYNAPSE_TRUST_PROXY: int('SYNAPSE_TRUST_PROXY', 0, 10),
    SYNAPSE_METRICS_TOKEN: z
      .string()
      .min(
        MIN_SECRET_LENGTH,
        `SYNAPSE_METRICS_TOKEN must be at least ${MIN_SECRET_LENGTH} characters`,
      )
      .optional(),
    SYNAPSE_METRICS_PORT: int('SYNAPSE_METRICS_PORT', 0, 65535),
    SYNAPSE_METRICS_HOST: z.string().optional(),
    SYNAPSE_WEBHOOK_URL: url('SYNAPSE_WEBHOOK_URL', /^(https?:)$/),
    SYNAPSE_WEBHOOK_SECRET: z
      .string()
      .min(
        MIN_SECRET_LENGTH,
        `SYNAPSE_WEBHOOK_SECRET must be at least ${MIN_SECRET_LENGTH} characters`,
      )
      .optional(),
    LIVEKIT_URL: url('LIVEKIT_URL', /^(wss?:|https?:)$/),
    LIVEKIT_API_URL: url('LIVEKIT_API_URL', /^(https?:)$/),
    LIVEKIT_API_KEY: z.string().optional(),
    LIVEKIT_API_SECRET: z.string().optional(),
    SYNAPSE_ICE_SERVERS: iceServers,
    SYNAPSE_TURN_URLS: turnUrls,
    SYNAPSE_TURN_SECRET: z
      .string()
      .min(16, 'SYNAPSE_TURN_SECRET must be at least 16 characters')
      .optional(),
    SYNAPSE_TURN_TTL_SECONDS: int('SYNAPSE_TURN_TTL_SECONDS', 60),
    SYNAPSE_RELAY_ONLY: z
      .enum(RELAY_ONLY_PRESETS, {
        error: `SYNAPSE_RELAY_ONLY must be one of ${RELAY_ONLY_PRESETS.join(', ')}`,
      })
      .optional(),
    SYNAPSE_RELAY_ONLY_TENANTS: list('SYNAPSE_RELAY_ONLY_TENANTS', z.string()),
    REDIS_URL: url('REDIS_URL', /^(redis:|rediss:)$/),
    SYNAPSE_REDIS_SENTINELS: list(
      'SYNAPSE_REDIS_SENTINELS',
      z.string().regex(/^[^\s:]+:\d{1,5}$/, 'SYNAPSE_REDIS_SENTINELS lists host:port pairs'),
    ),
    SYNAPSE_REDIS_SENTINEL_NAME: z.string().optional(),
    SYNAPSE_REDIS_PASSWORD: z.string().optional(),
    SYNAPSE_REDIS_SENTINEL_PASSWORD: z.string().optional(),
    SYNAPSE_DATABASE_URL: url('SYNAPSE_DATABASE_URL', /^(postgres:|postgresql:)$/),
    SYNAPSE_DATABASE_POOL_SIZE: int('SYNAPSE_DATABASE_POOL_SIZE', 1, 1000),
    SYNAPSE_DRAIN_TIMEOUT_MS: int('SYNAPSE_DRAIN_TIMEOUT_MS', 0, 600_000),
    SYNAPSE_NODE_TTL_MS: int('SYNAPSE_NODE_TTL_MS', 1000, 600_000),
    SYNAPSE_PUSH: z.enum(['on', 'off'], { error: 'SYNAPSE_PUSH must be on or off' }).optional(),
    SYNAPSE_VAPID_PUBLIC_KEY: z.string().optional(),
    SYNAPSE_VAPID_PRIVATE_KEY: z.string().optional(),
    SYNAPSE_VAPID_SUBJECT: z
      .string()
      .regex(/^(mailto:|https:)/, 'SYNAPSE_VAPID_SUBJECT must be a mailto: or https: URL')
      .optional(),
    SYNAPSE_PUSH_ALLOWED_ENDPOINTS: originList(
      'SYNAPSE_PUSH_ALLOWED_ENDPOINTS',
      'http://127.0.0.1:4000',
    ),
    SYNAPSE_RECORDING: z
      .enum(['on', 'off'], { error: 'SYNAPSE_RECORDING must be on or off' })
      .optional(),
    SYNAPSE_RECORDING_CONSENT_TENANTS: tenants,
    SYNAPSE_RECORDING_AUTO_TENANTS: tenants,
    SYNAPSE_RECORDING_RETENTION_DAYS: int('SYNAPSE_RECORDING_RETENTION_DAYS', 1),
    SYNAPSE_RECORDING_MAX_MB: int('SYNAPSE_RECORDING_MAX_MB', 1),
    SYNAPSE_LINES_FILE: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.REDIS_URL && env.SYNAPSE_REDIS_SENTINELS) {
      issue('SYNAPSE_REDIS_SENTINELS', 'set REDIS_URL or SYNAPSE_REDIS_SENTINELS, not both');
    }
    if (!env.SYNAPSE_JWT_SECRET && !env.SYNAPSE_JWKS_URL) {
      issue(
        'SYNAPSE_JWT_SECRET',
        'set SYNAPSE_JWT_SECRET (HS256) or SYNAPSE_JWKS_URL to verify tokens',
      );
    }
    if (env.SYNAPSE_JWT_SECRET && env.SYNAPSE_JWKS_URL) {
      issue('SYNAPSE_JWKS_URL', 'set only one of SYNAPSE_JWT_SECRET and SYNAPSE_JWKS_URL');
    }
    if (Boolean(env.SYNAPSE_WEBHOOK_URL) !== Boolean(env.SYNAPSE_WEBHOOK_SECRET)) {
      issue('SYNAPSE_WEBHOOK_SECRET', 'SYNAPSE_WEBHOOK_URL and SYNAPSE_WEBHOOK_SECRET go together');
    }
    if (Boolean(env.SYNAPSE_VAPID_PUBLIC_KEY) !== Boolean(env.SYNAPSE_VAPID_PRIVATE_KEY)) {
      issue(
        'SYNAPSE_VAPID_PRIVATE_KEY',
        'SYNAPSE_VAPID_PUBLIC_KEY and SYNAPSE_VAPID_PRIVATE_KEY go together',
      );
    }
    if (Boolean(env.SYNAPSE_TURN_URLS) !== Boolean(env.SYNAPSE_TURN_SECRET)) {
      issue('SYNAPSE_TURN_SECRET', 'SYNAPSE_TURN_URLS and SYNAPSE_TURN_SECRET go together');
    }
    const relayOnly = env.SYNAPSE_RELAY_ONLY ?? 'off';
    const turn =
      Boolean(env.SYNAPSE_TURN_URLS) || hasTurn((env.SYNAPSE_ICE_SERVERS ?? []) as IceServer[]);
    if (relayOnly !== 'off' && !turn) {
      issue(
        'SYNAPSE_RELAY_ONLY',
        'SYNAPSE_RELAY_ONLY needs a TURN server: set SYNAPSE_TURN_URLS and SYNAPSE_TURN_SECRET',
      );
    }
    if (env.SYNAPSE_RELAY_ONLY_TENANTS && relayOnly === 'off') {
      issue('SYNAPSE_RELAY_ONLY_TENANTS', 'SYNAPSE_RELAY_ONLY_TENANTS needs SYNAPSE_RELAY_ONLY');
    }
    const lk = [env.LIVEKIT_URL, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET];
    if (lk.some(Boolean) && !lk.every(Boolean)) {
      issue(
        'LIVEKIT_URL',
        'set all of LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET, or none',
      );
    }
  });

/**
 * Reads the standalone server's configuration from the environment. A variable set to the
 * empty string counts as unset (a common artefact of `.env` templates and compose files).
 * Throws a ConfigError naming the first bad variable; values are never echoed (secrets).
 *
 * @example
 * try {
 *   const server = await startSynapseServer(configFromEnv(process.env));
 * } catch (err) {
 *   if (!(err instanceof ConfigError)) throw err;
 *   // e.g. "SYNAPSE_RING_TIMEOUT_MS must be a whole number"
 *   console.error(err.message);
 *   process.exit(2);
 * }
 *
 * @param env - the variables to read; default `process.env`
 * @return the options for `startSynapseServer`
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): StartSynapseServerOptions {
  const present = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const name = first?.path[0];
    const message = first?.message ?? 'invalid configuration';
    throw new ConfigError(
      typeof name === 'string' && !message.includes(name) ? `${name}: ${message}` : message,
    );
  }
  const e = parsed.data;
  // An unset variable leaves its key out, so the server's defaults apply (an explicit
  // `undefined` would overwrite them when options are merged).
  return {
    port: e.PORT ?? 3000,
    allowedOrigins: e.SYNAPSE_ALLOWED_ORIGINS ?? [],
    dataDir: e.SYNAPSE_DATA_DIR ?? './data',
    auth: defined({
      jwtSecret: e.SYNAPSE_JWT_SECRET,
      jwksUrl: e.SYNAPSE_JWKS_URL,
      issuer: e.SYNAPSE_JWT_ISSUER,
      audience: e.SYNAPSE_JWT_AUDIENCE,
      maxTokenLifetimeSec: e.SYNAPSE_JWT_MAX_LIFETIME_SEC,
    }),
    rateLimit: defined({
      perSecond: e.SYNAPSE_RATE_LIMIT_PER_SEC,
      burst: e.SYNAPSE_RATE_LIMIT_BURST,
    }),
    ...defined({
      userRateLimit: someDefined({ perSecond: e.SYNAPSE_USER_RATE_LIMIT_PER_SEC }),
      maxConnectionsPerUser: e.SYNAPSE_MAX_CONNECTIONS_PER_USER,
      maxPresenceSubscriptions: e.SYNAPSE_MAX_PRESENCE_SUBSCRIPTIONS,
      handshakeRateLimit: someDefined({ perSecond: e.SYNAPSE_HANDSHAKE_RATE_LIMIT_PER_SEC }),
      handshakeTimeoutMs: e.SYNAPSE_HANDSHAKE_TIMEOUT_MS,
      maxInboundBytesPerSecond: e.SYNAPSE_MAX_INBOUND_BYTES_PER_SEC,
      restRateLimit: someDefined({
        perUserPerSecond: e.SYNAPSE_REST_RATE_LIMIT_PER_SEC,
        perIpPerSecond: e.SYNAPSE_REST_IP_RATE_LIMIT_PER_SEC,
      }),
      trustProxy: e.SYNAPSE_TRUST_PROXY,
      metricsToken: e.SYNAPSE_METRICS_TOKEN,
      metricsPort: e.SYNAPSE_METRICS_PORT,
      metricsHost: e.SYNAPSE_METRICS_HOST,
    }),
    ...defined({
      host: e.HOST,
      staticDir: e.SYNAPSE_STATIC_DIR,
      ringTimeoutMs: e.SYNAPSE_RING_TIMEOUT_MS,
      reconnectGraceMs: e.SYNAPSE_RECONNECT_GRACE_MS,
      presenceGraceMs: e.SYNAPSE_PRESENCE_GRACE_MS,
      callLogRetentionDays: e.SYNAPSE_CALL_LOG_RETENTION_DAYS,
      maintenanceIntervalMs: e.SYNAPSE_MAINTENANCE_INTERVAL_MS,
      iceServers: e.SYNAPSE_ICE_SERVERS as IceServer[] | undefined,
      webhook:
        e.SYNAPSE_WEBHOOK_URL && e.SYNAPSE_WEBHOOK_SECRET
          ? { url: e.SYNAPSE_WEBHOOK_URL, secret: e.SYNAPSE_WEBHOOK_SECRET }
          : undefined,
      livekit:
        e.LIVEKIT_URL && e.LIVEKIT_API_KEY && e.LIVEKIT_API_SECRET
          ? {
              url: e.LIVEKIT_URL,
              apiKey: e.LIVEKIT_API_KEY,
              apiSecret: e.LIVEKIT_API_SECRET,
              ...defined({ apiUrl: e.LIVEKIT_API_URL }),
            }
          : undefined,
      drainTimeoutMs: e.SYNAPSE_DRAIN_TIMEOUT_MS,
      redis: redisSetting(e),
      database: e.SYNAPSE_DATABASE_URL
        ? { url: e.SYNAPSE_DATABASE_URL, ...defined({ poolSize: e.SYNAPSE_DATABASE_POOL_SIZE }) }
        : undefined,
      turn:
        e.SYNAPSE_TURN_URLS && e.SYNAPSE_TURN_SECRET
          ? {
              urls: e.SYNAPSE_TURN_URLS,
              secret: e.SYNAPSE_TURN_SECRET,
              ...defined({ ttlSeconds: e.SYNAPSE_TURN_TTL_SECONDS }),
            }
          : undefined,
      relayOnly: e.SYNAPSE_RELAY_ONLY
        ? relayOnlyRule(e.SYNAPSE_RELAY_ONLY, defined({ tenants: e.SYNAPSE_RELAY_ONLY_TENANTS }))
        : undefined,
      lines: e.SYNAPSE_LINES_FILE ? linesFile(e.SYNAPSE_LINES_FILE) : undefined,
      push: e.SYNAPSE_PUSH === 'off' ? (false as const) : pushOptions(e),
      recording:
        e.SYNAPSE_RECORDING === 'on'
          ? {
              requireConsent: tenantSetting(e.SYNAPSE_RECORDING_CONSENT_TENANTS),
              auto: tenantSetting(e.SYNAPSE_RECORDING_AUTO_TENANTS),
              ...defined({
                retentionDays: e.SYNAPSE_RECORDING_RETENTION_DAYS,
                maxBytes:
                  e.SYNAPSE_RECORDING_MAX_MB === undefined
                    ? undefined
                    : e.SYNAPSE_RECORDING_MAX_MB * 1024 * 1024,
              }),
            }
          : undefined,
    }),
  };
}

/** The lines of `SYNAPSE_LINES_FILE`; any problem with it is a configuration error. */
function linesFile(path: string): ReturnType<typeof readLinesFile> {
  try {
    return readLinesFile(path);
  } catch (err) {
    throw new ConfigError(`SYNAPSE_LINES_FILE: ${(err as Error).message}`);
  }
}

/** The push settings that are set, or undefined when none is (the server's defaults apply). */
/** `REDIS_URL`, or the sentinels of a Redis that fails over. */
function redisSetting(e: z.infer<typeof envSchema>): RedisOptions | undefined {
  const ttl = defined({ nodeTtlMs: e.SYNAPSE_NODE_TTL_MS });
  if (e.REDIS_URL) return { url: e.REDIS_URL, ...ttl };
  if (!e.SYNAPSE_REDIS_SENTINELS) return undefined;
  const sentinels = e.SYNAPSE_REDIS_SENTINELS.map((pair) => {
    const at = pair.lastIndexOf(':');
    return { host: pair.slice(0, at), port: Number(pair.slice(at + 1)) };
  });
  const sentinel = {
    sentinels,
    ...defined({
      name: e.SYNAPSE_REDIS_SENTINEL_NAME,
      password: e.SYNAPSE_REDIS_PASSWORD,
      sentinelPassword: e.SYNAPSE_REDIS_SENTINEL_PASSWORD,
    }),
  };
  return { sentinel, ...ttl };
}

function pushOptions(e: z.infer<typeof envSchema>): PushOptions | undefined {
  const options: PushOptions = defined({
    vapid:
      e.SYNAPSE_VAPID_PUBLIC_KEY && e.SYNAPSE_VAPID_PRIVATE_KEY
        ? { publicKey: e.SYNAPSE_VAPID_PUBLIC_KEY, privateKey: e.SYNAPSE_VAPID_PRIVATE_KEY }
        : undefined,
    subject: e.SYNAPSE_VAPID_SUBJECT,
    allowedEndpoints: e.SYNAPSE_PUSH_ALLOWED_ENDPOINTS,
  });
  return Object.keys(options).length > 0 ? options : undefined;
}

type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** A copy of `values` without the keys whose value is undefined. */
function defined<T extends Record<string, unknown>>(values: T): Defined<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Defined<T>;
}

/** `defined(values)`, or undefined when no value is set (so the whole option is left out). */
function someDefined<T extends Record<string, unknown>>(values: T): Defined<T> | undefined {
  const set = defined(values);
  return Object.keys(set).length > 0 ? set : undefined;
}
