import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Webhook targets are partner URLs, so a tenant must not be able to make us POST into our own
 * network (SSRF): cloud metadata (169.254.169.254), Redis, the database, admin ports.
 * Only public unicast addresses pass, unless the operator allows private targets
 * (WEBHOOK_ALLOW_PRIVATE_TARGETS, for tests and local development).
 *
 * Classification is ipaddr.js's (IANA special-purpose registries): anything it does not call
 * plain `unicast` is refused: loopback, RFC 1918 private, link-local, CGNAT, ULA, multicast,
 * unspecified, broadcast, documentation/benchmark/reserved blocks, and IPv6 forms that embed an
 * IPv4 address (IPv4-mapped is unwrapped and judged as IPv4; NAT64, 6to4 and Teredo are refused
 * outright because the gateway they reach cannot be judged from here).
 */
export class TargetRefusedError extends Error {
  constructor(
    readonly reason: string,
    readonly address?: string,
  ) {
    super(reason);
    this.name = 'TargetRefusedError';
  }
}

export interface TargetPolicy {
  allowPrivateTargets: boolean;
}

/** Why an address is refused, or undefined when it is a public unicast address. */
export function forbiddenRange(address: string): string | undefined {
  const literal = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(literal)) return 'not an IP address';
  let ip = ipaddr.parse(literal);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
  }
  const range = ip.range();
  return range === 'unicast' ? undefined : range;
}

/** Checks the URL's shape: scheme, no credentials, a host. No DNS. */
export function checkTargetUrl(raw: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefusedError('not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TargetRefusedError('the scheme must be https');
  }
  if (url.protocol === 'http:' && !policy.allowPrivateTargets) {
    throw new TargetRefusedError('the scheme must be https');
  }
  if (url.username || url.password) {
    throw new TargetRefusedError('credentials in the URL are not accepted; sign with the secret');
  }
  if (!url.hostname) throw new TargetRefusedError('the URL has no host');
  return url;
}

/** Strips IPv6 brackets: the form net.connect and isIP expect. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function assertPublic(address: string, host: string): void {
  const range = forbiddenRange(address);
  if (range) {
    const via = address === host ? '' : ` (${host} resolves to ${address})`;
    throw new TargetRefusedError(`the target is a ${range} address${via}`, address);
  }
}

type LookupAll = (host: string) => Promise<LookupAddress[]>;
const lookupAll: LookupAll = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) =>
      err ? reject(err) : resolve(addresses),
    ),
  );

/**
 * The check done when a subscription is created or its URL changed: shape, then every address
 * the host resolves to. A host with one private address among public ones is refused.
 */
export async function assertTargetAllowed(
  raw: string,
  policy: TargetPolicy,
  resolve: LookupAll = lookupAll,
): Promise<URL> {
  const url = checkTargetUrl(raw, policy);
  if (policy.allowPrivateTargets) return url;
  const host = hostOf(url);
  if (isIP(host)) {
    assertPublic(host, host);
    return url;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    throw new TargetRefusedError(
      `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (addresses.length === 0) throw new TargetRefusedError(`${host} does not resolve`);
  for (const a of addresses) assertPublic(a.address, host);
  return url;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for net/tls.connect that refuses private answers. The socket connects to exactly
 * the address checked here, so a DNS answer that changes between the subscription check and the
 * connection (DNS rebinding) is judged again at connect time and cannot slip through.
 * Hosts given as IP literals skip `lookup`; callers check those with `assertLiteralAllowed`.
 */
export function guardedLookup(policy: TargetPolicy) {
  return (host: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(host, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!policy.allowPrivateTargets) {
        try {
          if (addresses.length === 0) throw new TargetRefusedError(`${host} does not resolve`);
          for (const a of addresses) assertPublic(a.address, host);
        } catch (refused) {
          return callback(refused as NodeJS.ErrnoException, []);
        }
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new TargetRefusedError(`${host} does not resolve`), []);
      callback(null, first.address, first.family);
    });
  };
}

/** The connect-time check for URLs whose host is an IP literal (no lookup happens for those). */
export function assertLiteralAllowed(url: URL, policy: TargetPolicy): void {
  if (policy.allowPrivateTargets) return;
  const host = hostOf(url);
  if (isIP(host)) assertPublic(host, host);
}
