// What the receiving side adds to a message (RFC 3261 18.2.1, RFC 3581) and learns about a TLS
// peer. Pure functions over the parsed message and the certificate object node:tls returns.
import type { PeerCertificate } from 'node:tls';
import { formatVia } from '../message';
import type { SipMessage, Via } from '../types';
import type { TlsPeer } from './types';

/** `::ffff:192.0.2.1` (a v4 peer on a dual-stack socket) → `192.0.2.1`; other hosts unchanged. */
export function plainHost(host: string): string {
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}

/** A host as SipAddress wants it: IPv6 without brackets. */
export const unbracket = (host: string): string =>
  host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;

/**
 * On a received request, adds `received=<source ip>` to the top Via when its sent-by host differs,
 * and fills a valueless `rport` with the source port. The header entry is replaced (value and
 * parsed value agree); nothing else is touched. Returns false when the top Via did not parse.
 */
export function stampTopVia(message: SipMessage, sourceHost: string, sourcePort: number): boolean {
  const i = message.headers.findIndex((h) => h.name === 'Via');
  const header = i < 0 ? undefined : message.headers[i];
  if (!header || header.parsed?.kind !== 'via') return false;
  const via = header.parsed.via;
  const addReceived = unbracket(via.host).toLowerCase() !== sourceHost.toLowerCase();
  const fillRport = via.params['rport'] === null;
  if (!addReceived && !fillRport) return true;
  const params = { ...via.params };
  if (addReceived) params['received'] = sourceHost;
  if (fillRport) params['rport'] = String(sourcePort);
  const stamped: Via = { ...via, params };
  message.headers[i] = {
    name: 'Via',
    value: formatVia(stamped),
    parsed: { kind: 'via', via: stamped },
  };
  return true;
}

/** CN and DNS subjectAltNames, lower-cased and without duplicates. */
export function certificateNames(cert: PeerCertificate | undefined): string[] {
  if (!cert || !cert.subject) return [];
  const names = new Set<string>();
  const cn = cert.subject.CN as string | string[] | undefined;
  for (const n of Array.isArray(cn) ? cn : cn ? [cn] : []) names.add(n.toLowerCase());
  for (const part of (cert.subjectaltname ?? '').split(',')) {
    const p = part.trim();
    if (p.startsWith('DNS:')) names.add(p.slice(4).toLowerCase());
  }
  return [...names];
}

export function tlsPeerOf(authorized: boolean, cert: PeerCertificate | undefined): TlsPeer {
  const peer: TlsPeer = { authorized, names: certificateNames(cert) };
  if (cert?.fingerprint256) peer.fingerprint256 = cert.fingerprint256;
  return peer;
}

/** RFC 6125 matching of one name against a certificate name (`*.example.com` covers one label). */
export function nameMatches(certName: string, name: string): boolean {
  const n = name.toLowerCase();
  if (!certName.startsWith('*.')) return certName === n;
  const dot = n.indexOf('.');
  return dot > 0 && n.slice(dot) === certName.slice(1);
}
