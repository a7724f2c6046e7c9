// SipStreamFramer: cuts a TCP/TLS byte stream into whole SIP messages by Content-Length
// (RFC 3261 18.3). CRLF keep-alives (RFC 5626 4.4.1) between messages are skipped.
// Linear in the bytes received, however they are chunked: the buffer grows by doubling and the
// search for the blank line resumes where the previous push stopped.
import { findHeadEnd } from './parse';
import { DEFAULT_SIP_LIMITS } from './types';

export interface FramerOutput {
  messages: Uint8Array[];
  /** Set when the stream cannot be framed any more (the connection should be closed). */
  error?: string;
}

const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*([0-9]+)[ \t]*$/im;
const latin1 = new TextDecoder('latin1');

export class SipStreamFramer {
  private buffer = new Uint8Array(1024);
  private length = 0;
  /** Where the blank-line search resumes. */
  private scanned = 0;
  /** Total size of the message being received, once its head is complete. */
  private expected = -1;
  private failed: string | undefined;

  constructor(private readonly maxMessageBytes = DEFAULT_SIP_LIMITS.maxMessageBytes) {}

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.length;
  }

  push(chunk: Uint8Array): FramerOutput {
    if (this.failed) return { messages: [], error: this.failed };
    const messages: Uint8Array[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      // Take no more than one message's worth at a time, so the buffer stays bounded.
      const room = this.maxMessageBytes + 4 - this.length;
      const take = Math.min(room, chunk.length - offset);
      this.append(chunk.subarray(offset, offset + take));
      offset += take;
      const error = this.extract(messages);
      if (error) return this.fail(error, messages);
    }
    return { messages };
  }

  private append(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.buffer.length) {
      let size = this.buffer.length;
      while (size < this.length + bytes.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  private extract(messages: Uint8Array[]): string | undefined {
    let pos = 0; // read offset; the buffer is compacted once, on the way out
    try {
      for (;;) {
        if (this.expected < 0) {
          while (pos < this.length && (this.buffer[pos] === 0x0d || this.buffer[pos] === 0x0a)) {
            pos++;
            this.scanned = pos;
          }
          const data = this.buffer.subarray(pos, this.length);
          const headEnd = findHeadEnd(data, Math.max(0, this.scanned - pos - 3));
          if (headEnd < 0) {
            this.scanned = this.length;
            return data.length > this.maxMessageBytes ? 'head too large' : undefined;
          }
          if (headEnd > this.maxMessageBytes) return 'head too large';
          const m = CONTENT_LENGTH.exec(latin1.decode(data.subarray(0, headEnd)));
          if (!m) return 'no Content-Length on a stream transport';
          const length = m[1] ?? '';
          this.expected = headEnd + (length.length > 9 ? Infinity : Number(length));
          if (this.expected > this.maxMessageBytes) return 'message too large';
        }
        if (this.length - pos < this.expected) return undefined;
        messages.push(this.buffer.slice(pos, pos + this.expected));
        pos += this.expected;
        this.scanned = pos;
        this.expected = -1;
      }
    } finally {
      if (pos > 0) {
        this.buffer.copyWithin(0, pos, this.length);
        this.length -= pos;
        this.scanned = Math.max(0, this.scanned - pos);
      }
    }
  }

  private fail(error: string, messages: Uint8Array[]): FramerOutput {
    this.failed = error;
    this.buffer = new Uint8Array(0);
    this.length = 0;
    return { messages, error };
  }
}
