// SipStreamFramer: cuts a TCP/TLS byte stream into whole SIP messages by Content-Length
// (RFC 3261 18.3). CRLF keep-alives (RFC 5626 4.4.1) between messages are skipped.
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
  private buffer = new Uint8Array(0);
  private failed: string | undefined;

  constructor(private readonly maxMessageBytes = DEFAULT_SIP_LIMITS.maxMessageBytes) {}

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.buffer.length;
  }

  push(chunk: Uint8Array): FramerOutput {
    if (this.failed) return { messages: [], error: this.failed };
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const messages: Uint8Array[] = [];
    let at = 0;
    for (;;) {
      while (joined[at] === 0x0d || joined[at] === 0x0a) at++;
      const headEnd = findHeadEnd(joined, at);
      if (headEnd < 0) {
        if (joined.length - at > this.maxMessageBytes) return this.fail('head too large', messages);
        break;
      }
      if (headEnd - at > this.maxMessageBytes) return this.fail('head too large', messages);
      const m = CONTENT_LENGTH.exec(latin1.decode(joined.subarray(at, headEnd)));
      if (!m) return this.fail('no Content-Length on a stream transport', messages);
      const length = m[1] ?? '';
      const end = headEnd + (length.length > 9 ? Infinity : Number(length));
      if (end - at > this.maxMessageBytes) return this.fail('message too large', messages);
      if (end > joined.length) break;
      messages.push(joined.slice(at, end));
      at = end;
    }
    this.buffer = joined.slice(at);
    return { messages };
  }

  private fail(error: string, messages: Uint8Array[]): FramerOutput {
    this.failed = error;
    this.buffer = new Uint8Array(0);
    return { messages, error };
  }
}
