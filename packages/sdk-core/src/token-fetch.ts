import { CallError, SynapseError } from './errors';

/** Three base64url segments: a compact JWS, the only token shape the server verifies. */
const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * The token in a token endpoint's answer or a `tokenProvider`'s result: a bare JWT, or JSON
 * `{ "token": "…" }` (as text, or already parsed). Null when it is neither. Both shapes are
 * accepted because hosts write either (`res.json({ token })`, `res.send(token)`), and a provider
 * that calls `r.text()` on a JSON answer must work too.
 *
 * @example
 * readToken('{"token":"eyJ…"}'); // 'eyJ…'
 * readToken('<html>Sign in</html>'); // null
 */
export function readToken(value: unknown): string | null {
  let parsed = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (JWT.test(text)) return text;
    if (!text.startsWith('{')) return null;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
  }
  const token = (parsed as { token?: unknown } | null)?.token;
  return typeof token === 'string' && JWT.test(token.trim()) ? token.trim() : null;
}

/**
 * Asks the host app's token endpoint for a token, with the page's cookies
 * (`credentials: 'include'`). What `ClientOptions.tokenUrl` and `<synapse-calling token-url>`
 * use. Fails with `token-provider-failed` whose `tokenFailure` says why: the endpoint's HTTP
 * status, no answer (`network`), or an answer that is not a token.
 *
 * @example
 * const client = createClient({
 *   url: 'https://calls.example.com',
 *   tokenProvider: () => fetchToken('/synapse/token'),
 * });
 */
export async function fetchToken(
  url: string,
  doFetch: typeof fetch = globalThis.fetch,
): Promise<string> {
  let body: string;
  try {
    const res = await doFetch(url, {
      credentials: 'include',
      headers: { accept: 'application/json, text/plain' },
    });
    if (!res.ok) {
      throw CallError.tokenProviderFailed(
        { kind: 'http', status: res.status },
        `The token endpoint ${url} answered HTTP ${res.status}`,
      );
    }
    body = await res.text();
  } catch (err) {
    if (err instanceof SynapseError) throw err;
    throw CallError.tokenProviderFailed(
      { kind: 'network' },
      `The token endpoint ${url} could not be reached`,
      err,
    );
  }
  const token = readToken(body);
  if (token) return token;
  throw CallError.tokenProviderFailed(
    { kind: 'not-a-token' },
    `The token endpoint ${url} answered neither JSON { "token": "…" } nor a JWT`,
  );
}

/** Any failure of a token provider as a `token-provider-failed` error (kept if it is one). */
export function tokenProviderError(err: unknown): SynapseError {
  if (err instanceof SynapseError && err.code === 'token-provider-failed') return err;
  const message = err instanceof Error ? err.message : String(err);
  return CallError.tokenProviderFailed(
    { kind: 'provider' },
    `tokenProvider failed: ${message}`,
    err,
  );
}
