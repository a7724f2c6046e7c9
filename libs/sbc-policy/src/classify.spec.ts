import { describe, expect, it } from 'vitest';
import { SbcPolicy } from './routing';
import { enterprise, FakeHealth, settings } from './testing/fixtures';
import type { Classification, ClassifyInput } from './types';

const policy = (over: Partial<ReturnType<typeof enterprise>> = {}) =>
  new SbcPolicy(settings({ ...enterprise(), ...over }), new FakeHealth());

const from = (host: string, rest: Partial<ClassifyInput> = {}): ClassifyInput => ({
  source: { protocol: 'udp', host, port: 5060 },
  requestHost: 'sbc.carrier.example',
  ...rest,
});

const who = (c: Classification): string =>
  c.ok
    ? `${c.ingress.kind}:${c.ingress.tenant.id}${c.ingress.kind === 'trunk' ? `/${c.ingress.trunk.id}` : ''}`
    : `${c.action} ${c.status}`;

describe('classify: Teams', () => {
  const p = policy();

  it('attributes a call from a Microsoft address by the Request-URI host', () => {
    expect(
      who(p.classify(from('52.114.1.1', { requestHost: 'contoso.sbc.carrier.example' }))),
    ).toBe('teams:contoso');
    expect(
      who(p.classify(from('52.123.0.9', { requestHost: 'FABRIKAM.sbc.carrier.example' }))),
    ).toBe('teams:fabrikam');
  });

  it('answers 404 for a subdomain no tenant has', () => {
    const c = p.classify(from('52.114.1.1', { requestHost: 'nobody.sbc.carrier.example' }));
    expect(c).toMatchObject({ ok: false, action: 'reject', status: 404 });
  });

  it('accepts Teams by a TLS certificate name matching a wildcard', () => {
    const tls = { authorized: true, names: ['sip-du-a-euwe.pstnhub.microsoft.com'] };
    const c = p.classify(from('203.0.113.5', { tls, requestHost: 'contoso.sbc.carrier.example' }));
    expect(who(c)).toBe('teams:contoso');
  });

  it('does not let a wildcard cover more than one label, or trust an unverified certificate', () => {
    const deep = { authorized: true, names: ['a.b.pstnhub.microsoft.com'] };
    const unverified = { authorized: false, names: ['sip.pstnhub.microsoft.com'] };
    for (const tls of [deep, unverified])
      expect(
        who(p.classify(from('203.0.113.5', { tls, requestHost: 'contoso.sbc.carrier.example' }))),
      ).toBe('reject 403');
  });

  it('does not take a Teams-looking host from an unknown source', () => {
    expect(
      who(p.classify(from('203.0.113.5', { requestHost: 'contoso.sbc.carrier.example' }))),
    ).toBe('reject 403');
  });
});

describe('classify: trunks', () => {
  const p = policy();

  it('matches a trunk by its host IP, by its address, and IPv4-mapped IPv6 forms', () => {
    expect(who(p.classify(from('198.51.100.20')))).toBe('trunk:contoso/muc-1');
    expect(who(p.classify(from('192.0.2.11')))).toBe('trunk:contoso/ber-2');
    expect(who(p.classify(from('::ffff:198.51.100.20')))).toBe('trunk:contoso/muc-1');
  });

  it('matches a TLS trunk by its host name as certificate name by default', () => {
    const tls = { authorized: true, names: ['sip.two.example'] };
    expect(who(p.classify(from('203.0.113.77', { tls })))).toBe('trunk:contoso/ber-2');
  });

  it('matches configured sources as networks and TLS names as wildcards', () => {
    const s = enterprise();
    s.tenants![1]!.trunks = [
      {
        id: 'fab-1',
        name: 'f',
        kind: 'itsp',
        host: 'sip.f.example',
        sources: ['2001:db8:10::/48'],
        tlsNames: ['*.f.example'],
      },
    ];
    const q = new SbcPolicy(settings(s), new FakeHealth());
    expect(who(q.classify(from('[2001:db8:10::5]')))).toBe('trunk:fabrikam/fab-1');
    const tls = { authorized: true, names: ['edge1.f.example'] };
    expect(who(q.classify(from('203.0.113.9', { tls })))).toBe('trunk:fabrikam/fab-1');
  });

  it('attributes a shared carrier to the tenant owning the called number', () => {
    expect(who(p.classify(from('192.0.2.10', { requestUser: '+4969100123' })))).toBe(
      'trunk:fabrikam/fab-1',
    );
    expect(who(p.classify(from('192.0.2.10', { requestUser: '+4930123401' })))).toBe(
      'trunk:contoso/ber-1',
    );
    // contoso's dial plan turns the national form into its own number.
    expect(
      who(p.classify(from('192.0.2.10', { requestUser: '030123401;phone-context=+49' }))),
    ).toBe('trunk:contoso/ber-1');
  });

  it('refuses a shared-carrier call to a number no tenant there owns', () => {
    expect(p.classify(from('192.0.2.10', { requestUser: '+4911111111' }))).toMatchObject({
      ok: false,
      action: 'reject',
      status: 404,
    });
  });

  it('treats a disabled trunk as unknown', () => {
    expect(who(p.classify(from('198.51.100.99')))).toBe('reject 403');
  });

  it('drops unknown sources when the policy says drop', () => {
    expect(who(policy({ unknownSources: 'drop' }).classify(from('203.0.113.1')))).toBe('drop 403');
  });
});
