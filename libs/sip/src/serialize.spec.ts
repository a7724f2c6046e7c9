import { describe, expect, it } from 'vitest';
import { parseSipMessage } from './parse';
import { serializeSipMessage } from './serialize';
import { torture, tortureNames } from './testing/fixtures';
import type { SipMessage } from './types';

const parse = (input: Uint8Array | string): SipMessage => {
  const r = parseSipMessage(input);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
};

describe('serializeSipMessage', () => {
  it.each(tortureNames('valid'))('%s round-trips to an equal message', (name) => {
    const first = parse(torture('valid', name));
    const again = parse(serializeSipMessage(first));
    expect(again).toEqual(first);
  });

  it('recomputes Content-Length from the body and writes long header names', () => {
    const m = parse(
      'OPTIONS sip:a@example.com SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:b@example.com>;tag=1\r\nt: <sip:a@example.com>\r\ni: x1\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n',
    );
    m.body = new TextEncoder().encode('hello');
    const text = new TextDecoder().decode(serializeSipMessage(m));
    expect(text).toBe(
      'OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:b@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: x1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nhello',
    );
  });
});
