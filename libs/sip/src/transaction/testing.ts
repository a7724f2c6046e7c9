// Test support for the transaction specs: an in-memory transport that records what is sent, a TU
// that records what it hears, and message builders. Not exported from the library.
import { createResponse, newBranch } from '../message';
import { parseSipMessage } from '../parse';
import type {
  ReceivedMessage,
  SendResult,
  SendTarget,
  SipAddress,
  SipTransport,
  TransportProtocol,
} from '../transport/types';
import type { SipMessage } from '../types';
import type { ServerTransaction, TransactionUser } from './types';

export interface Sent {
  message: SipMessage;
  target: SendTarget;
}

export class FakeTransport implements SipTransport {
  readonly sent: Sent[] = [];
  /** When set, send() rejects with this error. */
  failWith: Error | undefined;

  send(message: SipMessage, target: SendTarget): Promise<SendResult> {
    this.sent.push({ message, target });
    if (this.failWith) return Promise.reject(this.failWith);
    return Promise.resolve({ local: this.viaAddress(target), connectionId: target.connectionId });
  }

  viaAddress(target: SipAddress): SipAddress {
    return { protocol: target.protocol, host: '192.0.2.1', port: 5060 };
  }

  isReliable(protocol: TransportProtocol): boolean {
    return protocol !== 'udp';
  }

  /** Start lines of what was sent: `INVITE`, `100`, `ACK`… */
  lines(): string[] {
    return this.sent.map(({ message: m }) =>
      m.startLine.type === 'request' ? m.startLine.method : String(m.startLine.status),
    );
  }
}

export class RecordingUser implements TransactionUser {
  readonly requests: ServerTransaction[] = [];
  readonly acks: ReceivedMessage[] = [];
  readonly strays: ReceivedMessage[] = [];
  /** Called for each new request, e.g. to answer it at once. */
  answer: ((tx: ServerTransaction) => void) | undefined;

  onRequest(tx: ServerTransaction): void {
    this.requests.push(tx);
    this.answer?.(tx);
  }

  onAck(ack: ReceivedMessage): void {
    this.acks.push(ack);
  }

  onStrayResponse(response: ReceivedMessage): void {
    this.strays.push(response);
  }
}

export function parse(text: string): SipMessage {
  const r = parseSipMessage(`${text.trim().split('\n').join('\r\n')}\r\n\r\n`);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

export interface RequestSpec {
  method?: string;
  branch?: string;
  protocol?: TransportProtocol;
  via?: string;
  toTag?: string;
  cseq?: number;
  route?: string;
}

/** A request as the far end (or our TU) would write it. */
export function request(spec: RequestSpec = {}): SipMessage {
  const method = spec.method ?? 'INVITE';
  const proto = (spec.protocol ?? 'udp').toUpperCase();
  const via = spec.via ?? `SIP/2.0/${proto} 198.51.100.7:5070;branch=${spec.branch ?? newBranch()}`;
  const to = `<sip:bob@example.com>${spec.toTag ? `;tag=${spec.toTag}` : ''}`;
  return parse(`${method} sip:bob@example.com SIP/2.0
Via: ${via}
Max-Forwards: 70
${spec.route ? `Route: ${spec.route}\n` : ''}From: <sip:alice@example.net>;tag=a1
To: ${to}
Call-ID: call-1@example.net
CSeq: ${spec.cseq ?? 1} ${method}
Content-Length: 0`);
}

export const UDP_PEER: SipAddress = { protocol: 'udp', host: '198.51.100.7', port: 5070 };
export const LOCAL: SipAddress = { protocol: 'udp', host: '192.0.2.1', port: 5060 };

export function rx(
  message: SipMessage,
  source: SipAddress = UDP_PEER,
  connectionId?: string,
): ReceivedMessage {
  const r: ReceivedMessage = {
    message,
    source,
    local: { ...LOCAL, protocol: source.protocol },
    bytes: 300,
  };
  if (connectionId !== undefined) r.connectionId = connectionId;
  return r;
}

/** A response to `req` as the far end would send it (To tag added for > 100). */
export const reply = (req: SipMessage, status: number, toTag = 'b1'): SipMessage =>
  createResponse(req, status, { toTag });
