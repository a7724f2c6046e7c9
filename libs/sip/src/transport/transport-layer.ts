// SipTransportLayer: RFC 3261 section 18 over node:dgram, node:net and node:tls. Receives and
// parses (stamping received/rport, RFC 3581), answers what cannot be parsed with a 400 when the
// request's headers can be scraped, and sends: UDP from the listener of the target's IP family,
// TCP/TLS on a reused connection (see streams.ts). docs/sip.md, "Transports".
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { newTag } from '../message';
import { parseSipMessage } from '../parse';
import { serializeSipMessage } from '../serialize';
import { DEFAULT_SIP_LIMITS, type SipLimits, type SipMessage } from '../types';
import { badRequestFor } from './bad-request';
import type { StreamConnection } from './connection';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_UDP_BUFFER_BYTES,
  type SipTransportOptions,
  type TransportLog,
} from './options';
import { plainHost, stampTopVia, unbracket } from './received';
import { StreamTransports } from './streams';
import type {
  ListenSpec,
  ReceivedMessage,
  SendResult,
  SendTarget,
  SipAddress,
  SipTransport,
  TransportProtocol,
} from './types';

interface UdpListener {
  spec: ListenSpec;
  socket: UdpSocket;
  bound: SipAddress;
}

const latin1 = new TextDecoder('latin1');
const noLog: TransportLog = () => undefined;

export class SipTransportLayer implements SipTransport {
  private readonly limits: SipLimits;
  private readonly log: TransportLog;
  private readonly udp: UdpListener[] = [];
  private readonly streams: StreamTransports;
  private started = false;
  /** viaAddress answers by protocol|family; filled on first use, cleared on start and stop. */
  private readonly viaCache = new Map<string, SipAddress>();

  constructor(private readonly options: SipTransportOptions) {
    this.limits = { ...DEFAULT_SIP_LIMITS, ...options.limits };
    this.log = options.log ?? noLog;
    this.streams = new StreamTransports(
      {
        tls: options.tls,
        maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
        idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        maxMessageBytes: this.limits.maxMessageBytes,
        log: this.log,
      },
      {
        frame: (conn, bytes) => this.receive(bytes, conn.remote, conn.local, conn),
        framingError: (conn, reason, chunk) => this.framingError(conn, reason, chunk),
      },
    );
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.viaCache.clear();
    try {
      for (const spec of this.options.listen) {
        if (spec.protocol === 'udp') await this.listenUdp(spec);
        else await this.streams.listen(spec);
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    this.viaCache.clear();
    const udp = this.udp.splice(0);
    await Promise.all([
      this.streams.stop(),
      ...udp.map((l) => new Promise<void>((resolve) => l.socket.close(() => resolve()))),
    ]);
  }

  /** The bound addresses, with the real port where 0 was asked. */
  addresses(): SipAddress[] {
    return [...this.udp, ...this.streams.listeners].map((l) => ({ ...l.bound }));
  }

  /** Open TCP/TLS connections, both directions (for metrics and health). */
  get connectionCount(): number {
    return this.streams.connectionCount;
  }

  isReliable(protocol: TransportProtocol): boolean {
    return protocol !== 'udp';
  }

  viaAddress(target: SipAddress): SipAddress {
    const key = `${target.protocol}|${isV6(target.host)}`;
    let via = this.viaCache.get(key);
    if (!via) {
      const v6 = isV6(target.host);
      const all = [...this.udp, ...this.streams.listeners].filter(
        (l) => l.bound.protocol === target.protocol,
      );
      const l = all.find((x) => isV6(x.bound.host) === v6) ?? all[0];
      if (!l) throw new Error(`no ${target.protocol} listener`);
      via = {
        protocol: l.bound.protocol,
        host: l.spec.advertise ?? l.bound.host,
        port: l.bound.port,
      };
      this.viaCache.set(key, via);
    }
    return { ...via };
  }

  async send(message: SipMessage, target: SendTarget): Promise<SendResult> {
    const bytes = serializeSipMessage(message);
    const host = unbracket(target.host);
    if (target.protocol === 'udp') {
      // No switch to TCP for requests over ~1300 bytes (RFC 3261 18.1.1): trunks and Teams
      // legs are configured per transport, and UDP peers expect UDP; large SDPs still fit 64 KiB.
      const l = this.udpFor(host);
      if (!l) throw new Error(`no UDP listener for ${host}`);
      await new Promise<void>((resolve, reject) => {
        l.socket.send(bytes, target.port, host, (err) => (err ? reject(err) : resolve()));
      });
      return { local: l.bound };
    }
    const t = host === target.host ? target : { ...target, host };
    const conn = await this.streams.connection(t);
    await conn.write(bytes);
    return { local: conn.local, connectionId: conn.id };
  }

  private udpFor(host: string): UdpListener | undefined {
    const v6 = isV6(host);
    return this.udp.find((l) => isV6(l.bound.host) === v6);
  }

  private async listenUdp(spec: ListenSpec): Promise<void> {
    const buffer = this.options.udpBufferBytes ?? DEFAULT_UDP_BUFFER_BYTES;
    const socket = createSocket({
      type: isV6(spec.host) ? 'udp6' : 'udp4',
      recvBufferSize: buffer,
      sendBufferSize: buffer,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: spec.host, port: spec.port }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const bound: SipAddress = { protocol: 'udp', host: spec.host, port: socket.address().port };
    const listener: UdpListener = { spec, socket, bound };
    socket.on('error', (err) => this.log('warn', { err: err.message, bound }, 'sip udp error'));
    socket.on('message', (data: Buffer, rinfo: RemoteInfo) =>
      this.onDatagram(listener, data, rinfo),
    );
    this.udp.push(listener);
  }

  private onDatagram(l: UdpListener, data: Buffer, rinfo: RemoteInfo): void {
    if (isKeepAlive(data)) return; // RFC 5626 CRLF on UDP: nothing to answer
    const source: SipAddress = {
      protocol: 'udp',
      host: plainHost(rinfo.address),
      port: rinfo.port,
    };
    this.receive(data, source, l.bound, undefined);
  }

  /** Parses one message (a datagram or a framed stream message) and hands it up. */
  private receive(
    bytes: Uint8Array,
    source: SipAddress,
    local: SipAddress,
    conn: StreamConnection | undefined,
  ): void {
    const parsed = parseSipMessage(bytes, this.limits);
    if (!parsed.ok) {
      this.refuse(bytes, parsed.reason, source, conn);
      return;
    }
    const message = parsed.message;
    if (message.startLine.type === 'request') stampTopVia(message, source.host, source.port);
    const rx: ReceivedMessage = { message, source, local, bytes: bytes.length };
    if (conn) {
      rx.connectionId = conn.id;
      if (conn.tls) rx.tls = conn.tls;
    }
    try {
      this.options.onMessage(rx);
    } catch (err) {
      this.log('error', { err, source }, 'sip onMessage handler threw');
    }
  }

  /** A message that did not parse: a scrapeable request gets a 400, anything else is dropped. */
  private refuse(
    bytes: Uint8Array,
    reason: string,
    source: SipAddress,
    conn: StreamConnection | undefined,
    close = false,
  ): void {
    const answer = badRequestFor(latin1.decode(bytes), reason, newTag());
    let answered400 = false;
    if (answer) {
      const out = Buffer.from(answer, 'latin1');
      answered400 = true;
      if (conn) {
        if (close) conn.close(out);
        else conn.write(out).catch(() => undefined);
      } else {
        this.udpFor(source.host)?.socket.send(out, source.port, source.host, () => undefined);
      }
    } else if (close) conn?.close();
    this.log('debug', { source, reason, answered400 }, 'sip message refused');
    try {
      this.options.onInvalid?.({ source, reason, answered400 });
    } catch (err) {
      this.log('error', { err, source }, 'sip onInvalid handler threw');
    }
  }

  private framingError(conn: StreamConnection, reason: string, chunk: Uint8Array): void {
    this.refuse(chunk.subarray(0, this.limits.maxMessageBytes), reason, conn.remote, conn, true);
  }
}

/** An IP literal is IPv6 when it has a colon (bracketed or not); cheaper than net.isIPv6. */
const isV6 = (host: string): boolean => host.includes(':');

function isKeepAlive(data: Uint8Array): boolean {
  for (const b of data) if (b !== 0x0d && b !== 0x0a) return false;
  return true;
}
