import type * as LiveKitSdk from 'livekit-server-sdk';
import type * as IoRedis from 'ioredis';
import type * as RedisAdapter from '@socket.io/redis-adapter';
import type * as RedisStreamsAdapter from '@socket.io/redis-streams-adapter';
import type * as Pg from 'pg';

/**
 * A setting needs a package that the server lists as an optional peer dependency, and the host
 * did not install it. A single-node server with P2P media needs none of them, so they are not
 * installed with the server; the message says which package and which setting asked for it.
 *
 * @example
 * try {
 *   await createSynapseServer({ httpServer, auth, redis: { url: 'redis://redis:6379' } });
 * } catch (err) {
 *   if (err instanceof MissingDependencyError) console.error(err.message); // npm install ioredis …
 *   else throw err;
 * }
 */
export class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError';

  constructor(
    /** The npm package to install. */
    readonly packageName: string,
    /** The setting that needs it, e.g. `redis` or `livekit`. */
    readonly setting: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the ${setting} setting needs the package ${packageName}, which is not installed ` +
        `(npm install ${packageName})`,
      options,
    );
  }
}

/** True when `err` says that `name` itself (not something it imports) cannot be found. */
function isNotFound(err: unknown, name: string): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  const message = err instanceof Error ? err.message : '';
  return message.includes(`'${name}'`) || message.includes(`"${name}"`);
}

async function importOptional<T>(
  name: string,
  setting: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (isNotFound(err, name)) throw new MissingDependencyError(name, setting, { cause: err });
    throw err;
  }
}

export type LiveKitServerSdk = typeof LiveKitSdk;

let liveKit: Promise<LiveKitServerSdk> | undefined;

/** `livekit-server-sdk`, loaded on first use (only servers with the `livekit` setting get here). */
export function loadLiveKitSdk(): Promise<LiveKitServerSdk> {
  return (liveKit ??= importOptional(
    'livekit-server-sdk',
    'livekit',
    () => import('livekit-server-sdk'),
  ));
}

/** The Socket.IO adapter package found: Redis Streams (preferred) or Redis pub/sub. */
export type RedisAdapterModule =
  | { kind: 'streams'; module: typeof RedisStreamsAdapter }
  | { kind: 'pubsub'; module: typeof RedisAdapter };

/**
 * `ioredis` and a Socket.IO Redis adapter, for the `redis` setting: the Streams adapter
 * (`@socket.io/redis-streams-adapter`, which does not lose broadcasts while Redis reconnects or
 * fails over) when installed, else the pub/sub one (`@socket.io/redis-adapter`).
 */
export async function loadRedis(): Promise<{
  Redis: typeof IoRedis.Redis;
  adapter: RedisAdapterModule;
}> {
  const { Redis } = await importOptional('ioredis', 'redis', () => import('ioredis'));
  const streamsName = '@socket.io/redis-streams-adapter';
  try {
    return {
      Redis,
      adapter: { kind: 'streams', module: await import('@socket.io/redis-streams-adapter') },
    };
  } catch (err) {
    if (!isNotFound(err, streamsName)) throw err;
  }
  try {
    return { Redis, adapter: { kind: 'pubsub', module: await import('@socket.io/redis-adapter') } };
  } catch (err) {
    // Neither is installed: name the one to install.
    if (isNotFound(err, '@socket.io/redis-adapter')) {
      throw new MissingDependencyError(streamsName, 'redis', { cause: err });
    }
    throw err;
  }
}

export type RtcNode = typeof import('@livekit/rtc-node');
export type OpusScriptClass = typeof import('opusscript');

/**
 * `@livekit/rtc-node` (joins a room from Node) and `opusscript` (libopus in WebAssembly), for
 * recording LiveKit calls (the `recording` setting with `livekit`).
 */
export async function loadRecorderDeps(): Promise<{ rtc: RtcNode; OpusScript: OpusScriptClass }> {
  const rtc = await importOptional(
    '@livekit/rtc-node',
    'recording',
    () => import('@livekit/rtc-node'),
  );
  const opus = await importOptional('opusscript', 'recording', () => import('opusscript'));
  // A CommonJS `export =` module: its value is the default export under ESM.
  const OpusScript = ((opus as { default?: OpusScriptClass }).default ?? opus) as OpusScriptClass;
  return { rtc, OpusScript };
}

export type PgModule = typeof Pg;

/** `pg` (node-postgres), for the `database` setting (`SYNAPSE_DATABASE_URL=postgres://…`). */
export function loadPg(): Promise<PgModule> {
  return importOptional('pg', 'database', async () => {
    // pg is CommonJS: its classes are on the default export under every loader.
    const mod = (await import('pg')) as PgModule & { default?: PgModule };
    return mod.default ?? mod;
  });
}
