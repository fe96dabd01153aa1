import type { IncomingMessage } from 'node:http';

/**
 * The client's address for per-address limits. Behind `trustProxy` reverse proxies, each
 * appending the address it saw to `X-Forwarded-For`, that is the entry the outermost trusted
 * proxy appended (Express's `trust proxy` with a hop count); entries further left were written by
 * the client itself and prove nothing.
 *
 * @example
 * // one proxy; the client sent "X-Forwarded-For: 1.2.3.4", the proxy appended ", 203.0.113.7"
 * clientAddress(req, 1); // '203.0.113.7'
 */
export function clientAddress(req: IncomingMessage, trustProxy: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustProxy <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Nearest hop first: the TCP peer, then what each proxy saw, right to left.
  const hops = [peer, ...forwarded.reverse()];
  return hops[Math.min(trustProxy, hops.length - 1)] ?? peer;
}
