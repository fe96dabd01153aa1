/**
 * A local stand-in for a browser vendor's push service (which cannot be reached from here): it
 * hands out subscriptions made as a browser makes them (a P-256 key pair and a 16-byte auth
 * secret), receives the server's pushes over HTTP, and decrypts them (RFC 8291) and checks their
 * VAPID header (RFC 8292) with its own code, independent of the server's `web-push`.
 *
 * ```ts
 * const service = await startPushService();
 * const sub = service.subscribe();           // register sub.json with the Synapse server
 * const push = await service.next((p) => p.message.type === 'incoming-call');
 * service.answer(sub, 410);                  // the next push to it is told "gone"
 * ```
 */
import {
  createECDH,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  randomUUID,
  type ECDH,
} from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from 'jose';
import type { PushMessage, PushSubscriptionJson } from '@synapse-calling/protocol';

/** A subscription as a browser holds it: the public JSON plus the private key it decrypts with. */
export interface StandInSubscription {
  id: string;
  json: PushSubscriptionJson;
  ecdh: ECDH;
  auth: Buffer;
}

/** One push the stand-in received, decrypted and with its VAPID header checked. */
export interface ReceivedPush {
  subscription: StandInSubscription;
  /** Request headers, lower-cased. */
  headers: Record<string, string>;
  message: PushMessage;
  /** The raw decrypted payload (what a service worker's `event.data.text()` gives). */
  text: string;
  /** The VAPID JWT's claims (signature verified with the `k` public key of the header). */
  vapid: JWTPayload & { aud?: string; exp?: number; sub?: string };
  /** The `k` parameter: the server's VAPID public key, base64url. */
  vapidPublicKey: string;
  /** The status the stand-in answered. */
  status: number;
}

export interface PushServiceStandIn {
  /** `http://127.0.0.1:PORT`: put it on the server's `push.allowedEndpoints`. */
  origin: string;
  /** A new browser subscription whose endpoint is this stand-in. */
  subscribe(): StandInSubscription;
  /** Every push received so far, oldest first. */
  received: ReceivedPush[];
  /** Resolves with the first received push (past or future) matching `filter`. */
  next(filter?: (push: ReceivedPush) => boolean, timeoutMs?: number): Promise<ReceivedPush>;
  /** Answer pushes to `subscription` with `status` from now on (410: "gone", 500…). */
  answer(subscription: StandInSubscription, status: number): void;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushServiceStandIn> {
  const subscriptions = new Map<string, StandInSubscription>();
  const statuses = new Map<string, number>();
  const received: ReceivedPush[] = [];
  const waiters = new Set<() => void>();
  let failure: unknown;

  const server = createServer((req, res) => {
    void (async () => {
      const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1];
      const subscription = id ? subscriptions.get(id) : undefined;
      const body = await readBody(req);
      if (!subscription || req.method !== 'POST') {
        res.writeHead(404).end();
        return;
      }
      const status = statuses.get(subscription.id) ?? 201;
      try {
        received.push(await open(subscription, headersOf(req), body, status));
      } catch (err) {
        // Surfaces in next(): a push the stand-in cannot open is a test failure, not a hang.
        failure = err;
      }
      res.writeHead(status).end();
      for (const wake of waiters) wake();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    received,
    subscribe() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = randomUUID();
      const subscription: StandInSubscription = {
        id,
        ecdh,
        auth,
        json: {
          endpoint: `${origin}/push/${id}`,
          keys: {
            p256dh: ecdh.getPublicKey().toString('base64url'),
            auth: auth.toString('base64url'),
          },
        },
      };
      subscriptions.set(id, subscription);
      return subscription;
    },
    next(filter = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (failure) {
            done();
            reject(failure instanceof Error ? failure : new Error(String(failure)));
            return;
          }
          const found = received.find(filter);
          if (found) {
            done();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(`no matching push within ${timeoutMs} ms (${received.length} received)`),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    answer(subscription, status) {
      statuses.set(subscription.id, status);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function open(
  subscription: StandInSubscription,
  headers: Record<string, string>,
  body: Buffer,
  status: number,
): Promise<ReceivedPush> {
  if (headers['content-encoding'] !== 'aes128gcm') {
    throw new Error(`content-encoding ${headers['content-encoding']}, expected aes128gcm`);
  }
  const text = decryptAes128gcm(body, subscription.ecdh, subscription.auth);
  const { vapid, publicKey } = await verifyVapid(headers.authorization ?? '');
  return {
    subscription,
    headers,
    message: JSON.parse(text) as PushMessage,
    text,
    vapid,
    vapidPublicKey: publicKey,
    status,
  };
}

/**
 * RFC 8291 + RFC 8188 (aes128gcm), as a browser decrypts a push: the header carries the salt,
 * the record size and the sender's ephemeral public key; the key and nonce come from ECDH with
 * the browser's private key and the auth secret.
 */
export function decryptAes128gcm(body: Buffer, ecdh: ECDH, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20] as number;
  const senderKey = body.subarray(21, 21 + idLength);
  const records = body.subarray(21 + idLength);
  if (records.length > recordSize) throw new Error('a push must fit in one record');
  const shared = ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: aes128gcm\0', 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, 'Content-Encoding: nonce\0', 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(records.subarray(records.length - 16));
  const padded = Buffer.concat([
    decipher.update(records.subarray(0, records.length - 16)),
    decipher.final(),
  ]);
  // The last record ends with the delimiter 0x02 followed by zero padding.
  const end = padded.lastIndexOf(2);
  if (end < 0 || padded.subarray(end + 1).some((b) => b !== 0)) throw new Error('bad padding');
  return padded.subarray(0, end).toString('utf8');
}

/** Checks `Authorization: vapid t=<JWT>, k=<public key>` (ES256 signed with that key). */
export async function verifyVapid(
  header: string,
): Promise<{ vapid: ReceivedPush['vapid']; publicKey: string }> {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header);
  if (!match) throw new Error(`not a VAPID authorization header: ${header}`);
  const [, token, publicKey] = match as unknown as [string, string, string];
  const point = Buffer.from(publicKey, 'base64url');
  if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 key');
  const key = await importJWK(
    {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
    'ES256',
  );
  if (decodeProtectedHeader(token).alg !== 'ES256') throw new Error('VAPID JWT is not ES256');
  await jwtVerify(token, key, { algorithms: ['ES256'] });
  return { vapid: decodeJwt(token), publicKey };
}

function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
  );
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * Registers `subscription` for the token's user with the server at `url`, as the elements'
 * notification prompt does (`POST /api/push/subscriptions`); resolves with the HTTP status.
 */
export async function registerPush(
  url: string,
  token: string,
  subscription: StandInSubscription,
): Promise<number> {
  const res = await fetch(`${url}/api/push/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subscription: subscription.json, serverUrl: url }),
  });
  return res.status;
}
