import type { Role, SynapseTokenClaims } from '@synapse-calling/protocol';
import { CallError, type SynapseError } from './errors';
import { readToken, tokenProviderError } from './token-fetch';

/** The signed-in user, read from the token's claims. */
export interface SynapseUser {
  id: string;
  tenant: string;
  name: string;
  role: Role;
}

/**
 * Reads a JWT's claims WITHOUT verifying it. The server verifies; the client only needs to know
 * who it is and when the token expires so it can refresh it in time.
 */
export function decodeTokenClaims(
  token: string,
): (Partial<SynapseTokenClaims> & { iat?: number }) | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? (claims as Partial<SynapseTokenClaims>) : null;
  } catch {
    return null;
  }
}

export function userFromToken(token: string): SynapseUser | null {
  const c = decodeTokenClaims(token);
  if (!c || typeof c.sub !== 'string') return null;
  return {
    id: c.sub,
    tenant: typeof c.tenant === 'string' ? c.tenant : '',
    name: typeof c.name === 'string' && c.name ? c.name : c.sub,
    role: c.role === 'customer' ? 'customer' : 'agent',
  };
}

/** Milliseconds since the epoch at which `token` expires, or null when it has no `exp`. */
export function tokenExpiresAt(token: string): number | null {
  const exp = decodeTokenClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : null;
}

export interface TokenSourceOptions {
  /** `ClientOptions.token`, passed through (undefined when only a provider is given). */
  token?: string | undefined;
  /** `ClientOptions.tokenProvider` (or the `tokenUrl` fetcher), passed through. */
  tokenProvider?: (() => Promise<string>) | undefined;
  /** Refresh this long before `exp`. */
  refreshBeforeExpiryMs: number;
  onRefreshed?: (token: string) => void;
  /**
   * The provider failed, the first time after a success (or ever): a provider that keeps failing
   * while the client retries is reported once, not on every attempt.
   */
  onError?: (err: SynapseError) => void;
}

/**
 * Holds the current token and asks the provider for a new one: on every reconnect handshake
 * (the old connection's token may have expired meanwhile), when the token is about to expire,
 * and when the server says `token-expired`. Concurrent requests share one provider call.
 */
export class TokenSource {
  private token: string | null;
  private pending: Promise<string> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the current token arrived; its lifetime bounds the refresh margin. */
  private receivedAt = Date.now();
  /** Whether the provider's last call failed (so that a run of failures is reported once). */
  private failing = false;

  constructor(private readonly options: TokenSourceOptions) {
    this.token = options.token ?? null;
  }

  get current(): string | null {
    return this.token;
  }

  get canRefresh(): boolean {
    return typeof this.options.tokenProvider === 'function';
  }

  /** The current token while it has not expired (a fallback when the provider fails). */
  get unexpired(): string | null {
    const expiresAt = this.token ? tokenExpiresAt(this.token) : null;
    return expiresAt === null || expiresAt > Date.now() ? this.token : null;
  }

  /** A token that is valid for at least the refresh margin; refreshes when needed or forced. */
  async get(forceRefresh = false): Promise<string> {
    const token = this.token;
    if (token && !forceRefresh && !this.expiresSoon(token)) return token;
    if (!this.options.tokenProvider) {
      if (token) return token;
      throw new Error('No token and no tokenProvider');
    }
    return this.refresh();
  }

  /**
   * Calls the provider (deduplicated). Accepts a bare JWT or JSON `{ "token": "…" }`. On failure
   * keeps the old token and rejects with `token-provider-failed`.
   */
  refresh(): Promise<string> {
    const provider = this.options.tokenProvider;
    if (!provider) return Promise.resolve(this.token ?? '');
    this.pending ??= Promise.resolve()
      .then(() => provider())
      .then((value: unknown) => {
        const token = readToken(value);
        if (!token) {
          throw CallError.tokenProviderFailed(
            { kind: 'not-a-token' },
            'tokenProvider returned neither a JWT nor JSON { "token": "…" }',
          );
        }
        this.token = token;
        this.receivedAt = Date.now();
        this.failing = false;
        this.options.onRefreshed?.(token);
        this.schedule();
        return token;
      })
      .catch((err: unknown) => {
        const error = tokenProviderError(err);
        if (!this.failing) this.options.onError?.(error);
        this.failing = true;
        throw error;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** Starts refreshing ahead of expiry (only meaningful with a provider). */
  schedule(): void {
    clearTimeout(this.timer);
    if (!this.options.tokenProvider || !this.token) return;
    const expiresAt = tokenExpiresAt(this.token);
    if (expiresAt === null) return;
    // setTimeout overflows past 2^31-1 ms; a long-lived token is simply re-checked later.
    const delay = Math.min(
      Math.max(expiresAt - this.margin(expiresAt) - Date.now(), 1_000),
      2 ** 31 - 1,
    );
    this.timer = setTimeout(() => {
      this.refresh().catch(() => {
        // Reported by refresh(). Try again soon; a reconnect will also ask the provider.
        this.timer = setTimeout(() => this.schedule(), 10_000);
      });
    }, delay);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private expiresSoon(token: string): boolean {
    const expiresAt = tokenExpiresAt(token);
    return expiresAt !== null && expiresAt - Date.now() < this.margin(expiresAt);
  }

  /** The configured margin, but at most a third of the token's lifetime (short test tokens). */
  private margin(expiresAt: number): number {
    const iat = this.token ? decodeTokenClaims(this.token)?.iat : undefined;
    const issuedAt = typeof iat === 'number' ? iat * 1000 : this.receivedAt;
    const lifetime = Math.max(0, expiresAt - issuedAt);
    return Math.min(this.options.refreshBeforeExpiryMs, lifetime / 3);
  }
}
