import { createHmac } from 'node:crypto';
import type { IceServer } from '@synapse-calling/protocol';

/**
 * A TURN server that checks credentials with a shared secret: coturn's `use-auth-secret` +
 * `static-auth-secret` (the "TURN REST API" scheme, also spoken by eturnal, Pion and most hosted
 * TURN services). The server mints a credential per user and call; no TURN password is ever
 * configured in, or handed to, a browser.
 */
export interface TurnOptions {
  /**
   * TURN URLs handed to clients, e.g. `['turn:turn.example.com:3478?transport=udp',
   * 'turn:turn.example.com:3478?transport=tcp', 'turns:turn.example.com:5349?transport=tcp']`.
   */
  urls: string[];
  /** The TURN server's shared secret (coturn `static-auth-secret`). */
  secret: string;
  /**
   * How long a credential works. A TURN allocation is refreshed with the credential it was
   * made with, so this must outlast the longest call. Default 21600 (6 h).
   */
  ttlSeconds?: number;
}

export const DEFAULT_TURN_TTL_SECONDS = 6 * 3600;

/**
 * A TURN ice server entry with a fresh credential for `user`: the username is
 * `<expiry unix seconds>:<user>` and the credential base64(HMAC-SHA1(secret, username)), which
 * the TURN server recomputes and whose expiry it checks on every request.
 */
export function turnIceServer(options: TurnOptions, user: string, now = Date.now()): IceServer {
  const expiry = Math.floor(now / 1000) + (options.ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS);
  // The user part only labels the allocation in the TURN server's logs; encoding it keeps a
  // colon in a user id from being read as the separator.
  const username = `${expiry}:${encodeURIComponent(user)}`;
  const credential = createHmac('sha1', options.secret).update(username).digest('base64');
  return { urls: [...options.urls], username, credential };
}

/** Whether any of `servers` is a TURN server (a relay), as opposed to STUN only. */
export function hasTurn(servers: IceServer[]): boolean {
  return servers.some((s) =>
    (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/i.test(u)),
  );
}
