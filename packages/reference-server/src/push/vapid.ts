import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import webpush from 'web-push';

/** The application server keys of RFC 8292 (base64url), and who to contact about the pushes. */
export interface VapidKeys {
  /** Uncompressed P-256 public key, 65 bytes. Browsers subscribe with it. */
  publicKey: string;
  /** The P-256 private key, 32 bytes. */
  privateKey: string;
  /** `mailto:` or `https:` contact the push services may use. */
  subject: string;
}

/** File of the generated keys inside the data dir. */
export const VAPID_FILE = 'vapid-keys.json';

/** Subject used when none is configured; set your own contact in production. */
export const DEFAULT_VAPID_SUBJECT = 'mailto:push@example.com';

/**
 * The commands the keys need of an ioredis connection, named here so that the server's types
 * need no ioredis (an optional peer) without Redis.
 */
export interface VapidRedis {
  set(key: string, value: string, mode: 'NX'): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

export interface VapidSource {
  /** Keys from settings; both or neither. */
  configured?: { publicKey: string; privateKey: string } | undefined;
  subject?: string | undefined;
  dataDir: string;
  /** With several nodes the generated keys live in Redis, so that every node signs alike. */
  redis?: { client: VapidRedis; keyPrefix: string } | undefined;
  logger: Logger;
}

/** Thrown for configured keys that are not a P-256 key pair in base64url. */
export class VapidKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VapidKeyError';
  }
}

/**
 * The server's VAPID keys: from settings, else the ones generated on an earlier start (in the
 * data dir, or in Redis with several nodes), else new ones, generated now and kept there. A
 * browser subscribed with one public key only accepts pushes signed with its private key, so the
 * keys must survive restarts and be the same on every node.
 */
export async function loadVapidKeys(source: VapidSource): Promise<VapidKeys> {
  const subject = source.subject ?? DEFAULT_VAPID_SUBJECT;
  if (source.configured) {
    checkKeys(source.configured);
    return { ...source.configured, subject };
  }
  const fresh = webpush.generateVAPIDKeys();
  let keys: { publicKey: string; privateKey: string };
  let where: string;
  if (source.redis) {
    const key = `${source.redis.keyPrefix}vapid-keys`;
    await source.redis.client.set(key, JSON.stringify(fresh), 'NX');
    keys = parse((await source.redis.client.get(key)) ?? '', `Redis key ${key}`);
    where = `Redis key ${key}`;
  } else if (source.dataDir === ':memory:') {
    keys = fresh;
    where = 'memory only (in-memory data dir): browsers must subscribe again after a restart';
  } else {
    const file = join(source.dataDir, VAPID_FILE);
    try {
      // `wx`: of two processes starting on one data dir, the second reads the first one's keys.
      writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    keys = parse(readFileSync(file, 'utf8'), file);
    where = file;
  }
  if (keys.publicKey === fresh.publicKey) {
    source.logger.info(
      { where, publicKey: keys.publicKey },
      'generated VAPID keys for Web Push; set SYNAPSE_VAPID_PUBLIC_KEY and SYNAPSE_VAPID_PRIVATE_KEY to pin them',
    );
  }
  return { ...keys, subject };
}

function parse(raw: string, where: string): { publicKey: string; privateKey: string } {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new VapidKeyError(`${where} does not hold VAPID keys (not JSON)`);
  }
  const { publicKey, privateKey } = (value ?? {}) as Record<string, unknown>;
  if (typeof publicKey !== 'string' || typeof privateKey !== 'string') {
    throw new VapidKeyError(`${where} does not hold VAPID keys`);
  }
  const keys = { publicKey, privateKey };
  checkKeys(keys);
  return keys;
}

function checkKeys({ publicKey, privateKey }: { publicKey: string; privateKey: string }): void {
  const pub = Buffer.from(publicKey, 'base64url');
  const priv = Buffer.from(privateKey, 'base64url');
  if (pub.length !== 65 || pub[0] !== 4) {
    throw new VapidKeyError('the VAPID public key must be an uncompressed P-256 point (base64url)');
  }
  if (priv.length !== 32) {
    throw new VapidKeyError('the VAPID private key must be 32 bytes (base64url)');
  }
}
