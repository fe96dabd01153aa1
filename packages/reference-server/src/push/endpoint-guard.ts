import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { PUSH_LIMITS } from '@synapse-calling/protocol';

/** Why a push endpoint is refused; the message goes back to the client that registered it. */
export class PushEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushEndpointError';
  }
}

/**
 * Addresses a push service never has: loopback, private, link-local, carrier-grade NAT,
 * documentation, multicast and reserved ranges. Refusing them keeps the server from being
 * pointed (by whoever can register a subscription) at the services on its own network.
 */
const NOT_PUBLIC = (() => {
  const list = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.88.99.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 3],
  ] as const) {
    list.addSubnet(net, prefix, 'ipv4');
  }
  for (const [net, prefix] of [
    ['::', 127],
    ['64:ff9b::', 96],
    ['64:ff9b:1::', 48],
    ['100::', 64],
    ['2001::', 23],
    ['2001:db8::', 32],
    ['2002::', 16],
    ['fc00::', 7],
    ['fe80::', 10],
    ['ff00::', 8],
  ] as const) {
    list.addSubnet(net, prefix, 'ipv6');
  }
  return list;
})();

/** Whether `ip` (v4 or v6, an IPv4-mapped v6 judged by its v4 part) is on the public internet. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 4) return !NOT_PUBLIC.check(ip, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return isPublicAddress(mapped);
  if (/^::ffff:/i.test(ip)) return false;
  return !NOT_PUBLIC.check(ip, 'ipv6');
}

/**
 * Which push endpoints the server talks to: `https` URLs on public hosts, plus the origins in
 * `allowed` whatever their scheme and address (a push service stand-in in tests, one inside
 * a private network).
 */
export class EndpointGuard {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[] = []) {
    this.allowed = new Set(allowedOrigins.map((o) => o.replace(/\/$/, '')));
  }

  /** Whether the endpoint's origin is on the allowlist (then no other check applies). */
  isAllowlisted(url: URL): boolean {
    return this.allowed.has(url.origin);
  }

  /**
   * Parses and checks an endpoint at registration, resolving its host: every address it has must
   * be public. Throws a PushEndpointError saying what is wrong.
   */
  async check(endpoint: string): Promise<URL> {
    const url = this.parse(endpoint);
    if (this.isAllowlisted(url)) return url;
    const host = hostOf(url);
    if (isIP(host)) {
      if (!isPublicAddress(host)) throw new PushEndpointError('the endpoint is not a public host');
      return url;
    }
    let addresses: LookupAddress[];
    try {
      addresses = await new Promise((resolve, reject) =>
        dnsLookup(host, { all: true }, (err, found) => (err ? reject(err) : resolve(found))),
      );
    } catch {
      throw new PushEndpointError('the endpoint host could not be resolved');
    }
    if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
      throw new PushEndpointError('the endpoint is not a public host');
    }
    return url;
  }

  /** The syntactic checks: length, an https URL without credentials (allowlisted: http too). */
  parse(endpoint: string): URL {
    if (endpoint.length > PUSH_LIMITS.maxEndpointLength || !URL.canParse(endpoint)) {
      throw new PushEndpointError('the endpoint is not a URL');
    }
    const url = new URL(endpoint);
    if (url.username || url.password) {
      throw new PushEndpointError('the endpoint must not carry credentials');
    }
    const scheme = this.isAllowlisted(url) ? /^https?:$/ : /^https:$/;
    if (!scheme.test(url.protocol)) throw new PushEndpointError('the endpoint must be https');
    return url;
  }

  /**
   * A `lookup` for `http(s).request` that fails unless every address is public: the check made
   * at registration is repeated when connecting, so a name that later resolves to a private
   * address (DNS rebinding) is still refused.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
        const refused: NodeJS.ErrnoException = new PushEndpointError(
          `${hostname} resolves to an address that is not public`,
        );
        refused.code = 'EPUSHPRIVATE';
        return callback(refused, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}

/** The URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
