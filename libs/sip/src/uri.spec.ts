import { describe, expect, it } from 'vitest';
import { formatUri, parseUri } from './uri';

describe('parseUri', () => {
  it('reads every part of a sips URI with an IPv6 reference, params and headers', () => {
    expect(
      parseUri(
        'sips:alice:se%63ret@[2001:db8::1]:5061;transport=tls;lr?Subject=hi%20there&Priority=urgent',
      ),
    ).toEqual({
      ok: true,
      value: {
        scheme: 'sips',
        user: 'alice',
        password: 'secret',
        host: '[2001:db8::1]',
        port: 5061,
        params: { transport: 'tls', lr: null },
        headers: { Subject: 'hi there', Priority: 'urgent' },
      },
    });
  });

  it('reads tel URIs with params', () => {
    expect(parseUri('tel:+1-201-555-0123;phone-context=example.com')).toEqual({
      ok: true,
      value: {
        scheme: 'tel',
        number: '+1-201-555-0123',
        params: { 'phone-context': 'example.com' },
      },
    });
  });

  it.each([
    ['no scheme', 'alice@example.com'],
    ['a space', 'sip:alice smith@example.com'],
    ['a bad escape', 'sip:al%zzice@example.com'],
    ['a port above 65535', 'sip:alice@example.com:65536'],
    ['an unclosed IPv6 reference', 'sip:alice@[2001:db8::1'],
    ['an empty host', 'sip:alice@'],
    ['a tel number with letters', 'tel:+1-call-me'],
  ])('refuses a URI with %s', (_, text) => {
    expect(parseUri(text).ok).toBe(false);
  });

  it('formats back to an equal URI, escaping what must be escaped', () => {
    for (const text of [
      'sip:alice@example.com',
      'sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr?Subject=hi%20there',
      'sip:%20me;x=1@example.com;maddr=192.0.2.1',
      'tel:+442071234567;ext=12',
      'urn:service:sos',
    ]) {
      const parsed = parseUri(text);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parseUri(formatUri(parsed.value))).toEqual(parsed);
    }
    const uri = parseUri('sip:I%20have%20spaces@example.net');
    expect(uri.ok && formatUri(uri.value)).toBe('sip:I%20have%20spaces@example.net');
  });
});
