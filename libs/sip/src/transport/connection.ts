// One TCP or TLS connection carrying SIP (RFC 3261 18.3): frames the byte stream into messages,
// answers RFC 5626 CRLFCRLF keep-alive pings with CRLF, and closes itself when idle.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SipStreamFramer } from '../framer';
import type { SipAddress, TlsPeer, TransportProtocol } from './types';

export interface ConnectionEvents {
  frame(conn: StreamConnection, bytes: Uint8Array): void;
  /** The stream cannot be framed any more; `chunk` is the data that broke it (for a 400). */
  framingError(conn: StreamConnection, reason: string, chunk: Uint8Array): void;
  closed(conn: StreamConnection): void;
  error(conn: StreamConnection, error: Error): void;
}

const PONG = Buffer.from('\r\n');
const PING = '\r\n\r\n';

export class StreamConnection {
  readonly framer: SipStreamFramer;
  /** How many bytes of `\r\n\r\n` the keep-alive matcher has seen at a message boundary. */
  private pingMatched = 0;
  private closing = false;

  constructor(
    readonly id: string,
    readonly protocol: TransportProtocol,
    readonly socket: Socket | TLSSocket,
    readonly local: SipAddress,
    readonly remote: SipAddress,
    readonly inbound: boolean,
    readonly tls: TlsPeer | undefined,
    maxMessageBytes: number,
    idleTimeoutMs: number,
    private readonly events: ConnectionEvents,
  ) {
    this.framer = new SipStreamFramer(maxMessageBytes);
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeoutMs);
    socket.on('timeout', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => events.error(this, err));
    socket.once('close', () => events.closed(this));
  }

  get open(): boolean {
    return !this.closing && !this.socket.destroyed && this.socket.writable;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.open) return Promise.reject(new Error(`connection ${this.id} is closed`));
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Sends `last` (if any), then closes. */
  close(last?: Uint8Array): void {
    if (this.closing) return;
    this.closing = true;
    if (last && this.socket.writable) this.socket.end(last, () => this.socket.destroy());
    else this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    let data: Uint8Array = chunk;
    if (this.framer.buffered === 0) {
      const skip = this.keepAlive(chunk);
      if (skip === chunk.length) return;
      data = skip === 0 ? chunk : chunk.subarray(skip);
    }
    const before = this.framer.buffered;
    const out = this.framer.push(data);
    for (const m of out.messages) {
      if (this.closing) return;
      this.events.frame(this, m);
    }
    if (out.error) this.events.framingError(this, out.error, data);
    else if (out.messages.length > 0 && this.framer.buffered === 0) {
      this.trailingPing(out.messages, before, data);
    }
  }

  /**
   * A ping glued to the end of a message in the same chunk: the framer skipped those CR/LFs, so
   * they are the bytes the messages did not account for. Should some have sat between two messages
   * instead, the worst case is a stray CRLF to the peer, which RFC 3261 7.5 makes it ignore.
   */
  private trailingPing(messages: Uint8Array[], before: number, data: Uint8Array): void {
    let framed = 0;
    for (const m of messages) framed += m.length;
    const skipped = Math.min(before + data.length - framed, data.length);
    if (skipped < 4) return;
    this.pingMatched = 0;
    this.keepAlive(data.subarray(data.length - skipped));
  }

  /**
   * Consumes the CR/LF bytes at the start of a chunk that arrives between messages, answering each
   * complete `\r\n\r\n` with `\r\n`; returns how many bytes it consumed.
   */
  private keepAlive(chunk: Uint8Array): number {
    let i = 0;
    for (; i < chunk.length; i++) {
      const c = chunk[i];
      if (c !== 0x0d && c !== 0x0a) break;
      if (c === PING.charCodeAt(this.pingMatched)) this.pingMatched++;
      else this.pingMatched = c === 0x0d ? 1 : 0;
      if (this.pingMatched === 4) {
        this.pingMatched = 0;
        if (this.socket.writable) this.socket.write(PONG);
      }
    }
    if (i < chunk.length) this.pingMatched = 0;
    return i;
  }
}
