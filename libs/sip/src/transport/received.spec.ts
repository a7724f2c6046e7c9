import { describe, expect, it } from 'vitest';
import type { PeerCertificate } from 'node:tls';
import { serializeSipMessage } from '../serialize';
import { parseSipMessage } from '../parse';
import { topVia } from '../message';
import type { SipMessage } from '../types';
import { certificateNames, nameMatches, plainHost, stampTopVia } from './received';

const parse = (via: string): SipMessage => {
  const r = parseSipMessage(
    `OPTIONS sip:x@example.test SIP/2.0\r\nVia: ${via}\r\nVia: SIP/2.0/UDP other.test;rport\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@example.test>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`,
  );
  if (!r.ok) throw new Error(r.reason);
  return r.message;
};

describe('stampTopVia (RFC 3261 18.2.1, RFC 3581)', () => {
  it('adds received when sent-by differs and fills an empty rport, in value and parsed alike', () => {
    const m = parse('SIP/2.0/UDP client.test:5070;branch=z9hG4bKa;rport');
    stampTopVia(m, '192.0.2.9', 40000);
    expect(topVia(m)?.params).toEqual({
      branch: 'z9hG4bKa',
      rport: '40000',
      received: '192.0.2.9',
    });
    const wire = new TextDecoder().decode(serializeSipMessage(m));
    expect(wire).toContain(
      'Via: SIP/2.0/UDP client.test:5070;branch=z9hG4bKa;rport=40000;received=192.0.2.9\r\n',
    );
    expect(wire).toContain('Via: SIP/2.0/UDP other.test;rport\r\n');
  });

  it('leaves a Via whose host is the source and which asks no rport untouched', () => {
    const m = parse('SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKa');
    const before = m.headers[0];
    stampTopVia(m, '192.0.2.9', 5060);
    expect(m.headers[0]).toBe(before);
  });

  it('compares IPv6 sent-by without brackets and writes received as a bare IPv6 address', () => {
    const same = parse('SIP/2.0/UDP [::1]:5060;branch=z9hG4bKa');
    stampTopVia(same, '::1', 5060);
    expect(topVia(same)?.params['received']).toBe(undefined);
    const other = parse('SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKa;rport');
    stampTopVia(other, '::1', 6000);
    expect(topVia(other)?.params).toMatchObject({ received: '::1', rport: '6000' });
    const reparsed = parseSipMessage(serializeSipMessage(other));
    expect(reparsed.ok && topVia(reparsed.message)?.params['received']).toBe('::1');
  });
});

describe('certificate names', () => {
  it('collects CN and DNS SANs lower-cased, skipping IP SANs', () => {
    const cert = {
      subject: { CN: 'SBC.Example.test' },
      subjectaltname: 'DNS:*.SBC.example.test, IP Address:127.0.0.1, DNS:sbc.example.test',
    } as unknown as PeerCertificate;
    expect(certificateNames(cert)).toEqual(['sbc.example.test', '*.sbc.example.test']);
    expect(certificateNames(undefined)).toEqual([]);
  });

  it('matches a wildcard on exactly one label', () => {
    expect(nameMatches('*.sbc.example.test', 'acme.sbc.example.test')).toBe(true);
    expect(nameMatches('*.sbc.example.test', 'a.b.sbc.example.test')).toBe(false);
    expect(nameMatches('*.sbc.example.test', 'sbc.example.test')).toBe(false);
    expect(nameMatches('sip.pstnhub.microsoft.com', 'SIP.pstnhub.microsoft.com')).toBe(true);
  });

  it('unmaps v4-mapped IPv6 source addresses', () => {
    expect(plainHost('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(plainHost('::1')).toBe('::1');
  });
});
