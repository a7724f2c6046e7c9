// Source address matching for the ACL: exact addresses in a Map (one lookup per INVITE), networks
// in a short list checked after. Addresses are canonicalised so `::ffff:192.0.2.1`, `[2001:db8::1]`
// and `2001:DB8:0::1` find the entries written `192.0.2.1` and `2001:db8::1`.
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function parseAddress(text: string): Address | undefined {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const pct = s.indexOf('%'); // zone id
  if (pct >= 0) s = s.slice(0, pct);
  if (!ipaddr.isValid(s)) return undefined;
  const addr = ipaddr.parse(s);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    return (addr as ipaddr.IPv6).toIPv4Address();
  return addr;
}

/** Canonical text of an IP address, or undefined when `text` is not one (a host name). */
export function canonicalIp(text: string): string | undefined {
  const addr = parseAddress(text);
  return addr?.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toNormalizedString() : addr?.toString();
}

export const isIp = (text: string): boolean => parseAddress(text) !== undefined;

export class AddressIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly networks: { net: [Address, number]; value: T }[] = [];

  /** Adds an address or CIDR network; returns false when `entry` is neither. */
  add(entry: string, value: T): boolean {
    const slash = entry.indexOf('/');
    if (slash < 0) {
      const key = canonicalIp(entry);
      if (key === undefined) return false;
      const list = this.exact.get(key);
      if (list) list.push(value);
      else this.exact.set(key, [value]);
      return true;
    }
    try {
      const [addr, bits] = ipaddr.parseCIDR(entry);
      const v4 =
        addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
          ? ([(addr as ipaddr.IPv6).toIPv4Address(), bits - 96] as [Address, number])
          : undefined;
      this.networks.push({ net: v4 ?? [addr, bits], value });
      return true;
    } catch {
      return false;
    }
  }

  /** Every value whose address or network contains `host`: exact entries first. */
  find(host: string): readonly T[] {
    const direct = this.exact.get(host);
    if (direct && this.networks.length === 0) return direct;
    const addr = parseAddress(host);
    if (!addr) return [];
    const key =
      addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toNormalizedString() : addr.toString();
    const found = (direct ?? this.exact.get(key) ?? []).slice();
    for (const { net, value } of this.networks) {
      if (net[0].kind() === addr.kind() && addr.match(net)) found.push(value);
    }
    return found;
  }
}

/** RFC 6125 style: `*.example.com` stands for exactly one left-most label. */
export function tlsNameMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  if (p === n) return true;
  if (!p.startsWith('*.')) return false;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(dot + 1) === p.slice(2);
}

/** Certificate-name patterns in two Maps (exact, and `*.` by parent domain): two lookups a name. */
export class TlsNameIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly wildcard = new Map<string, T[]>();

  add(pattern: string, value: T): void {
    const p = pattern.toLowerCase();
    const [map, key] = p.startsWith('*.') ? [this.wildcard, p.slice(2)] : [this.exact, p];
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }

  /** Values whose pattern matches any of the certificate's names, each once. */
  find(names: readonly string[]): T[] {
    const found: T[] = [];
    const push = (list: T[] | undefined) => {
      for (const v of list ?? []) if (!found.includes(v)) found.push(v);
    };
    for (const raw of names) {
      const n = raw.toLowerCase();
      push(this.exact.get(n));
      const dot = n.indexOf('.');
      if (dot > 0) push(this.wildcard.get(n.slice(dot + 1)));
    }
    return found;
  }
}
