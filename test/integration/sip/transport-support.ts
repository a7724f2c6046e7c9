// Helpers for the transport tests: layers that record what they receive, raw UDP/TCP peers.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import {
  SipTransportLayer,
  createRequest,
  newBranch,
  newCallId,
  newTag,
  parseSipMessage,
  type InvalidMessage,
  type ListenSpec,
  type ReceivedMessage,
  type SipMessage,
  type SipTransportOptions,
} from '@ccx/sip';

/** A queue of values with `next()` waiting for the next one. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private waiters: ((v: T) => void)[] = [];
  push(v: T): void {
    const w = this.waiters.shift();
    if (w) w(v);
    else this.items.push(v);
  }
  next(): Promise<T> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

const opened: { close(): unknown }[] = [];
export async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((o) => o.close()));
}

export interface TestLayer {
  layer: SipTransportLayer;
  received: Inbox<ReceivedMessage>;
  invalid: Inbox<InvalidMessage>;
}

export async function startLayer(
  listen: ListenSpec[],
  extra: Partial<SipTransportOptions> = {},
): Promise<TestLayer> {
  const received = new Inbox<ReceivedMessage>();
  const invalid = new Inbox<InvalidMessage>();
  const layer = new SipTransportLayer({
    listen,
    onMessage: (rx) => received.push(rx),
    onInvalid: (m) => invalid.push(m),
    ...extra,
  });
  await layer.start();
  opened.push({ close: () => layer.stop() });
  return { layer, received, invalid };
}

export const optionsRequest = (via: string, extra: [string, string][] = []): SipMessage =>
  createRequest({
    method: 'OPTIONS',
    uri: { scheme: 'sip', host: 'sbc.example.test', params: {}, headers: {} },
    headers: [
      ['Via', `${via};branch=${newBranch()}`],
      ['Max-Forwards', '70'],
      ['From', `<sip:probe@client.example.test>;tag=${newTag()}`],
      ['To', '<sip:sbc.example.test>'],
      ['Call-ID', newCallId()],
      ['CSeq', '1 OPTIONS'],
      ...extra,
    ],
  });

export const rawOptions = (via: string, contentLength = true): string =>
  [
    'OPTIONS sip:sbc.example.test SIP/2.0',
    `Via: ${via};branch=${newBranch()}`,
    'Max-Forwards: 70',
    `From: <sip:probe@client.example.test>;tag=${newTag()}`,
    'To: <sip:sbc.example.test>',
    `Call-ID: ${newCallId()}`,
    'CSeq: 1 OPTIONS',
    ...(contentLength ? ['Content-Length: 0'] : []),
    '',
    '',
  ].join('\r\n');

export interface RawUdp {
  socket: UdpSocket;
  port: number;
  inbox: Inbox<SipMessage>;
  send(text: string | Uint8Array, port: number): void;
}

export async function rawUdp(host: string): Promise<RawUdp> {
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const inbox = new Inbox<SipMessage>();
  socket.on('message', (data) => {
    const r = parseSipMessage(data);
    if (r.ok) inbox.push(r.message);
  });
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  opened.push({ close: () => new Promise<void>((r) => socket.close(() => r())) });
  return {
    socket,
    port: socket.address().port,
    inbox,
    send: (text, port) =>
      socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, host),
  };
}

export interface RawTcp {
  socket: Socket;
  /** Everything received so far, as latin1 text. */
  text(): string;
  /** Waits until the received text satisfies `done`. */
  until(done: (text: string) => boolean): Promise<string>;
  closed: Promise<void>;
}

export async function rawTcp(host: string, port: number): Promise<RawTcp> {
  const socket = connect({ host, port, noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  opened.push({ close: () => socket.destroy() });
  let buf = '';
  let waiters: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (const w of waiters) w();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    text: () => buf,
    closed,
    until: (done) =>
      new Promise((resolve) => {
        const check = (): void => {
          if (!done(buf)) return;
          waiters = waiters.filter((w) => w !== check);
          resolve(buf);
        };
        waiters.push(check);
        check();
      }),
  };
}
