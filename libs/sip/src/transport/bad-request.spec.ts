import { describe, expect, it } from 'vitest';
import { parseSipMessage } from '../parse';
import { badRequestFor, sanitizeReason, scrapeRequestHeaders } from './bad-request';

const request = (extra = '') =>
  [
    'INVITE sip:bob@example.test SIP/2.0',
    'v: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1',
    'Via: SIP/2.0/TCP proxy.test;branch=z9hG4bK0',
    'f: <sip:alice@example.test>;tag=a1',
    'To: <sip:bob@example.test>',
    'Call-ID: abc@192.0.2.1',
    'CSeq: 1 OPTIONS',
    extra,
    '',
    '',
  ].join('\r\n');

describe('scrapeRequestHeaders', () => {
  it('finds every Via in order, compact forms included, and the dialog headers', () => {
    expect(scrapeRequestHeaders(request('Max-Forwards: 70'))).toEqual({
      via: ['SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1', 'SIP/2.0/TCP proxy.test;branch=z9hG4bK0'],
      from: '<sip:alice@example.test>;tag=a1',
      to: '<sip:bob@example.test>',
      callId: 'abc@192.0.2.1',
      cseq: '1 OPTIONS',
    });
  });

  it('refuses responses, requests missing a header, and garbage', () => {
    expect(
      scrapeRequestHeaders(request().replace('INVITE sip:bob@example.test', 'SIP/2.0 200')),
    ).toBe(undefined);
    expect(scrapeRequestHeaders(request().replace('Call-ID: abc@192.0.2.1\r\n', ''))).toBe(
      undefined,
    );
    expect(scrapeRequestHeaders('\x00\x01garbage\r\n\r\n')).toBe(undefined);
    expect(scrapeRequestHeaders('')).toBe(undefined);
  });

  it('reads only the head: a From in the body does not count', () => {
    const text =
      request().replace('f: <sip:alice@example.test>;tag=a1\r\n', '') + 'From: <sip:x@y>\r\n';
    expect(scrapeRequestHeaders(text)).toBe(undefined);
  });
});

describe('badRequestFor', () => {
  it('makes a 400 that parses, echoes the headers and tags To, with the reason on one line', () => {
    const text = badRequestFor(request(), 'CSeq method\r\nOPTIONS \x00 bad', 'tag9');
    const parsed = parseSipMessage(text ?? '');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const m = parsed.message;
    expect(m.startLine).toMatchObject({
      type: 'response',
      status: 400,
      reason: 'CSeq method  OPTIONS   bad',
    });
    expect(m.headers.filter((h) => h.name === 'Via').map((h) => h.value)).toHaveLength(2);
    expect(m.headers.find((h) => h.name === 'To')?.value).toBe('<sip:bob@example.test>;tag=tag9');
    expect(m.headers.find((h) => h.name === 'CSeq')?.value).toBe('1 OPTIONS');
  });

  it('keeps an existing To tag', () => {
    const text = badRequestFor(
      request().replace('To: <sip:bob@example.test>', 'To: <sip:b@x>;tag=t1'),
      'x',
      'new',
    );
    expect(text).toContain('To: <sip:b@x>;tag=t1\r\n');
    expect(text).not.toContain('new');
  });
});

describe('sanitizeReason', () => {
  it('bounds the length and never returns an empty phrase', () => {
    expect(sanitizeReason('a'.repeat(500))).toHaveLength(120);
    expect(sanitizeReason('\r\n')).toBe('Bad Request');
  });
});
