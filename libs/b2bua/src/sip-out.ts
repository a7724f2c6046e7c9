// Sending requests from the B2BUA: a fresh top Via for the transport that will carry the request,
// then a client transaction (or, for the ACK of a 2xx, the transport directly: RFC 3261 13.2.2.4).
import {
  addHeader,
  formatVia,
  newBranch,
  type ClientTransaction,
  type ClientTransactionHandlers,
  type SendTarget,
  type SipAddress,
  type SipMessage,
  type SipTransport,
  type TransactionLayer,
} from '@ccx/sip';

export class SipOut {
  constructor(
    readonly transport: SipTransport,
    readonly transactions: TransactionLayer,
  ) {}

  private stampVia(request: SipMessage, target: SendTarget): void {
    const via = this.transport.viaAddress(target);
    addHeader(
      request,
      'Via',
      formatVia({
        protocol: 'SIP/2.0',
        transport: via.protocol.toUpperCase(),
        host: via.host.includes(':') ? `[${via.host}]` : via.host,
        port: via.port,
        params: { branch: newBranch(), rport: null },
      }),
      true,
    );
  }

  send(
    request: SipMessage,
    target: SendTarget,
    handlers: ClientTransactionHandlers,
  ): ClientTransaction {
    this.stampVia(request, target);
    return this.transactions.sendRequest(request, target, handlers);
  }

  /** ACK for a 2xx: its own branch, no transaction; retransmitted by the caller on each 2xx. */
  ack(ack: SipMessage, target: SendTarget): Promise<unknown> {
    this.stampVia(ack, target);
    return this.transport.send(ack, target);
  }

  /** Our address towards a target, for Contact headers. */
  local(target: SipAddress): SipAddress {
    return this.transport.viaAddress(target);
  }
}

/** `sip:user@host:port;transport=x` for our Contact towards a target (host: FQDN or our IP). */
export function contactUri(user: string | undefined, host: string, local: SipAddress): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const u = user ? `${user}@` : '';
  const t = local.protocol === 'udp' ? '' : `;transport=${local.protocol}`;
  return `<sip:${u}${h}:${local.port}${t}>`;
}
