import { describe, expect, it } from 'vitest';
import { parseSipMessage } from './parse';
import { torture, tortureNames } from './testing/fixtures';

const base = [
  'INVITE sip:bob@[2001:db8::5]:5070;transport=tcp SIP/2.0',
  'Via: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bKa;rport;received=2001:db8::9',
  'Max-Forwards: 70',
  'From: "Alice \\"A\\"" <sip:alice@example.com>;tag=1',
  'To: <tel:+15551234567>',
  'Call-ID: abc@host',
  'CSeq: 7 INVITE',
  'Contact: <sip:alice@[2001:db8::1]>;expires=60, "Other, Alice" <sip:a2@example.com>',
  'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
  'Allow: INVITE, ACK , BYE',
  'Expires: 120',
  'Content-Type: application/sdp; charset=utf-8',
  'Content-Length: 4',
  '',
  'v=0\r\n',
].join('\r\n');

describe('parseSipMessage', () => {
  it('splits list headers where the grammar allows and parses IPv6 Via and URIs', () => {
    const r = parseSipMessage(base);
    if (!r.ok) throw new Error(r.reason);
    const m = r.message;
    expect(m.startLine).toMatchObject({
      uri: { host: '[2001:db8::5]', port: 5070, params: { transport: 'tcp' } },
    });
    expect(m.headers.map((h) => h.name)).toEqual([
      'Via',
      'Max-Forwards',
      'From',
      'To',
      'Call-ID',
      'CSeq',
      'Contact',
      'Contact',
      'Route',
      'Route',
      'Allow',
      'Allow',
      'Allow',
      'Expires',
      'Content-Type',
      'Content-Length',
    ]);
    expect(m.headers[0]?.parsed).toEqual({
      kind: 'via',
      via: {
        protocol: 'SIP/2.0',
        transport: 'TCP',
        host: '[2001:db8::1]',
        port: 5060,
        params: { branch: 'z9hG4bKa', rport: null, received: '2001:db8::9' },
      },
    });
    expect(m.headers[2]?.parsed).toMatchObject({
      addr: { displayName: 'Alice "A"', params: { tag: '1' } },
    });
    expect(m.headers[3]?.parsed).toMatchObject({
      addr: { uri: { scheme: 'tel', number: '+15551234567' } },
    });
    expect(m.headers[7]?.parsed).toMatchObject({ addr: { displayName: 'Other, Alice' } });
    expect(m.headers.slice(10, 13).map((h) => h.value)).toEqual(['INVITE', 'ACK', 'BYE']);
    expect(m.headers[13]?.parsed).toEqual({ kind: 'number', value: 120 });
    expect(m.headers[14]?.parsed).toEqual({
      kind: 'media-type',
      mediaType: { type: 'application', subtype: 'sdp', params: { charset: 'utf-8' } },
    });
    expect(new TextDecoder().decode(m.body)).toBe('v=0\r');
  });

  it('accepts Contact: * and a missing Content-Length (body = rest of the datagram)', () => {
    const reg = base
      .replace(/Contact: .*\r\n/, 'Contact: *\r\n')
      .replace('Content-Length: 4\r\n', '');
    const r = parseSipMessage(reg);
    expect(r.ok && r.message.headers.find((h) => h.name === 'Contact')?.parsed).toEqual({
      kind: 'contact-star',
    });
    expect(r.ok && r.message.body.length).toBe(5);
  });

  it('enforces the size, header-count and line-length limits', () => {
    expect(parseSipMessage(base, { maxMessageBytes: 100 })).toEqual({
      ok: false,
      reason: 'message too large',
    });
    expect(parseSipMessage(base, { maxHeaders: 10 })).toMatchObject({
      ok: false,
      reason: 'too many headers',
    });
    expect(parseSipMessage(base, { maxLineLength: 60 })).toMatchObject({
      ok: false,
      reason: 'header line too long',
    });
    const many = base.replace('Expires: 120', Array(300).fill('X: 1').join('\r\n'));
    expect(parseSipMessage(many)).toMatchObject({
      ok: false,
      reason: 'too many headers',
      status: 400,
    });
  });

  it('never throws on truncations of every valid message or on random bytes', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const inputs: Uint8Array[] = [];
    for (const name of tortureNames('valid')) {
      const full = torture('valid', name);
      for (let n = 0; n < full.length; n++) inputs.push(full.subarray(0, n));
      for (let k = 0; k < 200; k++) {
        const mutated = full.slice();
        mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
        inputs.push(mutated);
      }
    }
    for (let k = 0; k < 2000; k++) {
      inputs.push(
        Uint8Array.from({ length: Math.floor(random() * 600) }, () => Math.floor(random() * 256)),
      );
    }
    let refused = 0;
    for (const input of inputs) {
      const r = parseSipMessage(input);
      if (!r.ok) {
        refused++;
        expect(typeof r.reason).toBe('string');
      }
    }
    expect(refused).toBeGreaterThan(inputs.length / 2);
  });
});

describe('refusal reasons', () => {
  it('are one printable line of at most 200 characters, whatever the input quotes', () => {
    const r = parseSipMessage(base.replace('Call-ID: abc@host', `Via: \x07${'x'.repeat(5000)}\rq`));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason.startsWith('Via: bad Via: ?xxx')).toBe(true);
    expect(r.reason.length).toBe(200);
    expect(/[\x00-\x1f]/.test(r.reason)).toBe(false); // eslint-disable-line no-control-regex
  });
});
