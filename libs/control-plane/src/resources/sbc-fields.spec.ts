import { describe, expect, it } from 'vitest';
import { dialRule, headerRule, network, tlsName } from './sbc-fields';

const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (result.error?.issues ?? []).map((i) => i.path.join('.'));

describe('SBC field validation', () => {
  it('accepts a dial rule whose pattern compiles and names the pattern otherwise', () => {
    expect(dialRule.safeParse({ pattern: '^0(\\d+)$', translation: '+49$1' }).success).toBe(true);
    for (const pattern of ['(', '^0(\\d+$', '[a-', '*x', '(?<n>a)(?<n>b)']) {
      expect(issuesOf(dialRule.safeParse({ pattern, translation: '' })), pattern).toEqual([
        'pattern',
      ]);
    }
  });

  it('keeps header rules off the headers the B2BUA owns, long or compact, any case', () => {
    for (const header of ['VIA', 'v', 'From', 'F', 'to', 't', 'Call-ID', 'i', 'cseq', 'l']) {
      const rule = { direction: 'in', action: 'remove', header };
      expect(issuesOf(headerRule.safeParse(rule)), header).toEqual(['header']);
    }
    for (const header of ['Diversion', 'P-Asserted-Identity', 'X-Custom', 'Contact']) {
      const rule = { direction: 'out', action: 'add', header, value: 'x' };
      expect(headerRule.safeParse(rule).success, header).toBe(true);
    }
  });

  it('needs a value to add or rewrite, and a compiling match', () => {
    expect(issuesOf(headerRule.safeParse({ direction: 'in', action: 'add', header: 'X' }))).toEqual(
      ['value'],
    );
    const rewrite = { direction: 'in', action: 'rewrite', header: 'X', value: 'a', match: '(' };
    expect(issuesOf(headerRule.safeParse(rewrite))).toEqual(['match']);
  });

  it('takes addresses and networks as sources, and host names or wildcards as TLS names', () => {
    for (const ok of ['192.0.2.1', '192.0.2.0/24', '2001:db8::1', '2001:db8::/32']) {
      expect(network.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['192.0.2.0/33', 'sip.example.net', '300.1.1.1', '']) {
      expect(network.safeParse(bad).success, bad).toBe(false);
    }
    for (const ok of ['sip.example.net', '*.example.net', 'localhost']) {
      expect(tlsName.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['*', 'a..b', 'sip.*.net', 'has space']) {
      expect(tlsName.safeParse(bad).success, bad).toBe(false);
    }
  });
});
