import { describe, expect, it } from 'vitest';
import { AddressIndex, canonicalIp, TlsNameIndex, tlsNameMatches } from './addresses';

describe('canonicalIp', () => {
  it('canonicalises IPv6 forms and IPv4-mapped addresses; host names are not IPs', () => {
    expect(canonicalIp('[2001:DB8:0::1]')).toBe('2001:db8:0:0:0:0:0:1');
    expect(canonicalIp('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(canonicalIp('sip.example.com')).toBeUndefined();
  });
});

describe('AddressIndex', () => {
  it('finds exact entries and networks of the same family', () => {
    const idx = new AddressIndex<string>();
    idx.add('192.0.2.10', 'exact');
    idx.add('192.0.2.0/24', 'net4');
    idx.add('2001:db8::/32', 'net6');
    expect(idx.find('192.0.2.10')).toEqual(['exact', 'net4']);
    expect(idx.find('192.0.2.99')).toEqual(['net4']);
    expect(idx.find('2001:db8:ffff::1')).toEqual(['net6']);
    expect(idx.find('198.51.100.1')).toEqual([]);
    expect(idx.find('not-an-ip')).toEqual([]);
    expect(idx.add('sip.example.com', 'x')).toBe(false);
  });
});

describe('TLS names', () => {
  it('wildcards stand for exactly one label, case-insensitively', () => {
    expect(tlsNameMatches('*.pstnhub.microsoft.com', 'SIP.pstnhub.microsoft.com')).toBe(true);
    expect(tlsNameMatches('*.pstnhub.microsoft.com', 'pstnhub.microsoft.com')).toBe(false);
    expect(tlsNameMatches('*.pstnhub.microsoft.com', 'a.b.pstnhub.microsoft.com')).toBe(false);
    const idx = new TlsNameIndex<string>();
    idx.add('*.carrier.example', 'wild');
    idx.add('edge.carrier.example', 'exact');
    expect(idx.find(['edge.carrier.example', 'other.carrier.example'])).toEqual(['exact', 'wild']);
    expect(idx.find(['x.y.carrier.example'])).toEqual([]);
  });
});
