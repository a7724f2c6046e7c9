// Transaction matching keys (RFC 3261 17.1.3 and 17.2.3) and where responses go (18.2.2, RFC 3581).
import { BRANCH_COOKIE, callIdOf, cseqOf, fromTag, getHeader } from '../message';
import type { ReceivedMessage, SendTarget } from '../transport/types';
import type { SipMessage, Via } from '../types';

/** Client transactions: top Via branch and CSeq method (17.1.3). */
export const clientKey = (branch: string, method: string): string => `${branch}|${method}`;

/**
 * Server transactions (17.2.3): branch, sent-by and method when the branch carries the magic cookie;
 * otherwise the RFC 2543 fields in a simple form (Call-ID, CSeq number, From tag, whole top Via).
 * `method` is the transaction's method: INVITE for an ACK. Undefined when CSeq is missing.
 */
export function serverKey(message: SipMessage, via: Via, method: string): string | undefined {
  const branch = via.params['branch'];
  if (branch && branch.startsWith(BRANCH_COOKIE))
    return `${branch}|${via.host}|${via.port ?? ''}|${method}`;
  const cseq = cseqOf(message);
  if (!cseq) return undefined;
  const viaValue = getHeader(message, 'Via')?.value ?? '';
  return `2543|${callIdOf(message)}|${cseq.seq}|${fromTag(message) ?? ''}|${viaValue}|${method}`;
}

const unbracket = (host: string): string =>
  host.charCodeAt(0) === 91 /* [ */ && host.endsWith(']') ? host.slice(1, -1) : host;

/**
 * Where to send responses to a received request (RFC 3261 18.2.2 with RFC 3581 rport): on stream
 * transports back on the same connection when there is one; the address is the top Via `received`
 * (else the source host) and the port is rport's value (the source port for a valueless rport),
 * else the sent-by port, else 5060 (5061 for TLS). The address is the fallback when the connection
 * has gone. `maddr` is not honoured (multicast is not used on trunks).
 */
export function responseTarget(rx: ReceivedMessage): SendTarget {
  const protocol = rx.source.protocol;
  const header = getHeader(rx.message, 'Via');
  const via = header?.parsed?.kind === 'via' ? header.parsed.via : undefined;
  let host = rx.source.host;
  let port = rx.source.port;
  if (via) {
    const received = via.params['received'];
    if (received) host = unbracket(received);
    const rport = via.params['rport'];
    if (rport !== undefined) {
      const n = rport === null ? NaN : Number(rport);
      port = Number.isInteger(n) && n > 0 && n < 65536 ? n : rx.source.port;
    } else port = via.port ?? (protocol === 'tls' ? 5061 : 5060);
  }
  const target: SendTarget = { protocol, host, port };
  if (rx.connectionId !== undefined && protocol !== 'udp') target.connectionId = rx.connectionId;
  return target;
}
