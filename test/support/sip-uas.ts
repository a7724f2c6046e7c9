// A minimal SIP UAS over UDP on loopback, for tests that drive a real SIP peer (SIPp) until the
// SBC has its own SIP stack: it answers one INVITE with an SDP the test computes, takes the ACK,
// can send one in-dialog request (INFO) and answers BYE. Hand-written because it is test
// scaffolding that only has to talk to SIPp on loopback: no SIP library is a dependency, and the
// SBC's real parser comes with its own issue. Not a parser for hostile input.

import { randomBytes } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { waitFor } from './bus';

export interface SipMessage {
  /** Request method, or undefined for a response. */
  method?: string;
  status?: number;
  /** Header lines in order, names lower-cased with compact forms expanded. */
  headers: [string, string][];
  body: string;
  from: RemoteInfo;
}

const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
};

export function parseSip(bytes: Buffer, from: RemoteInfo): SipMessage {
  const text = bytes.toString('utf8');
  const split = text.indexOf('\r\n\r\n');
  const head = split >= 0 ? text.slice(0, split) : text;
  const [start = '', ...lines] = head.split('\r\n');
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.push([COMPACT[name] ?? name, line.slice(colon + 1).trim()]);
  }
  const length = Number(headers.find(([n]) => n === 'content-length')?.[1] ?? 0);
  const body = split >= 0 ? text.slice(split + 4, split + 4 + length) : '';
  const status = /^SIP\/2\.0 (\d{3})/.exec(start);
  return status
    ? { status: Number(status[1]), headers, body, from }
    : { method: start.split(' ')[0], headers, body, from };
}

export const header = (m: SipMessage, name: string): string =>
  m.headers.find(([n]) => n === name)?.[1] ?? '';

/** The address inside `<...>` of a From/To/Contact value, or the value up to its parameters. */
const uriOf = (value: string): string => /<([^>]+)>/.exec(value)?.[1] ?? value.split(';')[0]!;

export class SipUas {
  /** Every message received, in order. */
  readonly received: SipMessage[] = [];
  private readonly tag = randomBytes(4).toString('hex');
  private invite?: SipMessage;
  private okToInvite?: Buffer;
  private cseq = 1;

  private constructor(
    readonly socket: Socket,
    readonly port: number,
    private readonly answer: (offerSdp: string, callId: string) => Promise<string>,
    private readonly onError: (err: unknown) => void,
  ) {
    socket.on('message', (bytes, from) => this.handle(parseSip(bytes, from)));
  }

  /** `answer` turns the INVITE's SDP into the SDP of our 200 OK. */
  static async open(
    answer: (offerSdp: string, callId: string) => Promise<string>,
    onError: (err: unknown) => void,
  ): Promise<SipUas> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return new SipUas(socket, socket.address().port, answer, onError);
  }

  requests(method: string): SipMessage[] {
    return this.received.filter((m) => m.method === method);
  }

  private handle(m: SipMessage): void {
    this.received.push(m);
    if (m.method === 'INVITE') {
      if (this.invite !== undefined) {
        // A retransmission: repeat our final answer if we have it, else it is still coming.
        if (this.okToInvite !== undefined) this.send(this.okToInvite, m.from);
        return;
      }
      this.invite = m;
      this.send(this.response(m, 100, 'Trying'), m.from);
      this.answer(m.body, header(m, 'call-id')).then(
        (sdp) => {
          this.okToInvite = this.response(m, 200, 'OK', sdp);
          this.send(this.okToInvite, m.from);
        },
        (err: unknown) => {
          this.send(this.response(m, 488, 'Not Acceptable Here'), m.from);
          this.onError(err);
        },
      );
    } else if (m.method === 'BYE') {
      this.send(this.response(m, 200, 'OK'), m.from);
    }
  }

  /** A response echoing Via, From, Call-ID and CSeq, with our tag on To. */
  private response(req: SipMessage, status: number, reason: string, sdp?: string): Buffer {
    const to = header(req, 'to');
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...req.headers.filter(([n]) => n === 'via').map(([, v]) => `Via: ${v}`),
      `From: ${header(req, 'from')}`,
      `To: ${status > 100 && !/;tag=/i.test(to) ? `${to};tag=${this.tag}` : to}`,
      `Call-ID: ${header(req, 'call-id')}`,
      `CSeq: ${header(req, 'cseq')}`,
      `Contact: <sip:uas@127.0.0.1:${this.port}>`,
      ...(sdp !== undefined ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${Buffer.byteLength(sdp ?? '')}`,
      '',
      sdp ?? '',
    ];
    return Buffer.from(lines.join('\r\n'));
  }

  /** Sends an in-dialog request (e.g. INFO) to the caller and waits for its final response. */
  async request(method: string, timeoutMs = 5_000): Promise<SipMessage> {
    const invite = this.invite;
    if (invite === undefined) throw new Error(`no dialog to send ${method} in`);
    const cseq = ++this.cseq;
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    const lines = [
      `${method} ${uriOf(header(invite, 'contact'))} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch}`,
      `From: ${header(invite, 'to')};tag=${this.tag}`,
      `To: ${header(invite, 'from')}`,
      `Call-ID: ${header(invite, 'call-id')}`,
      `CSeq: ${cseq} ${method}`,
      'Max-Forwards: 70',
      'Content-Length: 0',
      '',
      '',
    ];
    this.send(Buffer.from(lines.join('\r\n')), invite.from);
    const isFinal = (m: SipMessage) =>
      (m.status ?? 0) >= 200 && header(m, 'cseq') === `${cseq} ${method}`;
    await waitFor(`a final response to ${method}`, () => this.received.some(isFinal), timeoutMs);
    return this.received.find(isFinal)!;
  }

  private send(bytes: Buffer, to: RemoteInfo): void {
    this.socket.send(bytes, to.port, to.address);
  }

  close(): void {
    this.socket.close();
  }
}
