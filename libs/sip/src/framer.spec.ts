import { describe, expect, it } from 'vitest';
import { SipStreamFramer } from './framer';
import { parseSipMessage } from './parse';
import { torture, tortureNames } from './testing/fixtures';

const enc = new TextEncoder();
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

describe('SipStreamFramer', () => {
  it('cuts a stream fed one byte at a time into whole messages, skipping CRLF keep-alives', () => {
    const a = torture('valid', 'wsinv');
    const b = torture('valid', 'esc02');
    const stream = concat(enc.encode('\r\n\r\n'), a, enc.encode('\r\n'), b);
    const framer = new SipStreamFramer();
    const out: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i++) {
      const r = framer.push(stream.subarray(i, i + 1));
      expect(r.error).toBeUndefined();
      out.push(...r.messages);
    }
    expect(out).toEqual([a, b]);
    expect(out.every((m) => parseSipMessage(m).ok)).toBe(true);
    expect(framer.buffered).toBe(0);
  });

  it('returns several messages from one chunk and keeps a partial one', () => {
    const a = torture('valid', 'esc01');
    const framer = new SipStreamFramer();
    const r = framer.push(concat(a, a, a.subarray(0, 100)));
    expect(r.messages).toEqual([a, a]);
    expect(framer.buffered).toBe(100);
    expect(framer.push(a.subarray(100)).messages).toEqual([a]);
  });

  it('fails on a message without Content-Length, or larger than the limit, and stays failed', () => {
    const noLength = new SipStreamFramer();
    expect(noLength.push(enc.encode('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n')).error).toBe(
      'no Content-Length on a stream transport',
    );
    expect(noLength.push(torture('valid', 'esc01')).error).toBeDefined();
    const small = new SipStreamFramer(1000);
    expect(small.push(enc.encode('OPTIONS sip:a@b SIP/2.0\r\nl: 5000\r\n\r\n')).error).toBe(
      'message too large',
    );
    const endless = new SipStreamFramer(1000);
    expect(endless.push(new Uint8Array(1001).fill(0x41)).error).toBe('head too large');
    expect(endless.buffered).toBe(0);
  });

  it('frames every valid torture message however the stream is chunked', () => {
    const all = tortureNames('valid')
      .filter((n) => n !== 'dblreq')
      .map((n) => torture('valid', n));
    const stream = concat(...all.flatMap((m) => [m, enc.encode('\r\n\r\n')]));
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 20; round++) {
      const framer = new SipStreamFramer();
      const out: Uint8Array[] = [];
      for (let at = 0; at < stream.length;) {
        const size = 1 + Math.floor(random() * (round < 10 ? 40 : 3000));
        const r = framer.push(stream.subarray(at, at + size));
        expect(r.error).toBeUndefined();
        out.push(...r.messages);
        at += size;
      }
      expect(out).toEqual(all);
    }
  });
});
