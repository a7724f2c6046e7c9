import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettingsYaml, validateSettings } from './validate';

const example = readFileSync(join(__dirname, '../../../examples/sbc.yaml'), 'utf8');

const errorsOf = (input: unknown): string[] => {
  const r = validateSettings(input);
  return r.ok ? [] : r.errors;
};

const tenant = (extra: Record<string, unknown> = {}) => ({
  id: 'contoso',
  sites: [{ id: 'ber', name: 'Berlin', kind: 'central', country: 'DE' }],
  trunks: [{ id: 'itsp', name: 'ITSP', kind: 'itsp', host: '192.0.2.10', siteId: 'ber' }],
  numberRanges: [{ first: '+4930123400', last: '+4930123499', siteId: 'ber' }],
  ...extra,
});

describe('loadSettingsYaml', () => {
  it('loads the worked example with its defaults filled in', () => {
    const r = loadSettingsYaml(example, 'examples/sbc.yaml');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    const t = r.settings.tenants[0]!;
    expect(t.id).toBe('contoso');
    expect(t.trunks[0]!.priority).toBe(100);
    expect(r.settings.teams.proxies.map((p) => p.host)).toEqual([
      'sip.pstnhub.microsoft.com',
      'sip2.pstnhub.microsoft.com',
      'sip3.pstnhub.microsoft.com',
    ]);
    expect(r.settings.teams.tlsNames).toContain('*.pstnhub.microsoft.com');
    expect(r.settings.unknownSources).toBe('drop');
  });

  it('fills Microsoft TLS names when the teams block is absent', () => {
    const r = loadSettingsYaml('tenants: []');
    expect(r.ok && r.settings.teams.tlsNames).toContain('sip.pstnhub.microsoft.com');
  });

  it('names the source and line of a YAML syntax error', () => {
    const r = loadSettingsYaml('tenants: [\n  - id: x\n', 'bad.yaml');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatch(/^bad\.yaml: /);
  });

  it('refuses duplicate keys', () => {
    expect(loadSettingsYaml('unknownSources: drop\nunknownSources: reject\n').ok).toBe(false);
  });

  it('names the path of a schema error', () => {
    const yaml = example.replace('port: 5060', 'port: 70000');
    const r = loadSettingsYaml(yaml, 'sbc.yaml');
    expect(!r.ok && r.errors).toEqual([
      expect.stringMatching(/^sbc\.yaml: tenants\[0\]\.trunks\[0\]\.port: /),
    ]);
  });
});

describe('validateSettings cross-checks', () => {
  it('accepts a consistent configuration', () => {
    expect(errorsOf({ tenants: [tenant()] })).toEqual([]);
  });

  it('refuses duplicate tenant, site and trunk ids', () => {
    const t = tenant({
      sites: [
        { id: 'ber', name: 'A', kind: 'central', country: 'DE' },
        { id: 'ber', name: 'B', kind: 'branch', country: 'DE' },
      ],
    });
    const other = { id: 'contoso', trunks: [{ id: 'itsp', name: 'x', kind: 'itsp', host: 'h' }] };
    const errors = errorsOf({ tenants: [t, other] });
    expect(errors).toContain('tenants[1].id: duplicate tenant id "contoso"');
    expect(errors).toContain('tenants[0].sites[1].id: duplicate site id "ber"');
    expect(errors).toContainEqual(
      expect.stringMatching(/^tenants\[1\]\.trunks\[0\]\.id: duplicate trunk id/),
    );
  });

  it('refuses a trunk or range naming a site or trunk the tenant does not have', () => {
    const t = tenant({
      trunks: [{ id: 'itsp', name: 'ITSP', kind: 'itsp', host: 'h', siteId: 'paris' }],
      numberRanges: [
        { first: '+4930123400', last: '+4930123499', siteId: 'rome', trunkId: 'nope' },
      ],
    });
    expect(errorsOf({ tenants: [t] })).toEqual([
      'tenants[0].trunks[0].siteId: "paris" is not a site of tenant "contoso"',
      'tenants[0].numberRanges[0].siteId: "rome" is not a site of tenant "contoso"',
      'tenants[0].numberRanges[0].trunkId: "nope" is not a trunk of tenant "contoso"',
    ]);
  });

  it('refuses ranges of two tenants that overlap, but lets one tenant nest its own', () => {
    const a = tenant({
      numberRanges: [
        { first: '+4930123400', last: '+4930123499' },
        { first: '+4930123410', last: '+4930123410', purpose: 'queue' },
      ],
    });
    const b = { id: 'fabrikam', numberRanges: [{ first: '+4930123490', last: '+4930123509' }] };
    expect(errorsOf({ tenants: [a, b] })).toEqual([
      'tenants[1].numberRanges[0]: overlaps tenants[0].numberRanges[0] of tenant "contoso"',
    ]);
    expect(errorsOf({ tenants: [a] })).toEqual([]);
  });

  it('refuses a range whose last number is below its first', () => {
    const t = tenant({ numberRanges: [{ first: '+4930123499', last: '+4930123400' }] });
    expect(errorsOf({ tenants: [t] })).toEqual([
      'tenants[0].numberRanges[0].last: +4930123400 is below first +4930123499',
    ]);
  });

  it('refuses invalid regular expressions in dial plans and header rules', () => {
    const t = tenant({
      dialPlan: [{ pattern: '0([1-9]', translation: '+49$1' }],
      trunks: [
        {
          id: 'itsp',
          name: 'ITSP',
          kind: 'itsp',
          host: 'h',
          headerRules: [
            { direction: 'out', action: 'rewrite', header: 'Diversion', match: '(', value: '' },
          ],
        },
      ],
    });
    const errors = errorsOf({ tenants: [t] });
    expect(errors).toContainEqual(
      expect.stringMatching(/^tenants\[0\]\.dialPlan\[0\]\.pattern: invalid regular expression/),
    );
    expect(errors).toContainEqual(
      expect.stringMatching(
        /^tenants\[0\]\.trunks\[0\]\.headerRules\[0\]\.match: invalid regular expression/,
      ),
    );
  });

  it('refuses header rules on headers the dialog depends on', () => {
    const t = tenant({
      trunks: [
        {
          id: 'itsp',
          name: 'ITSP',
          kind: 'itsp',
          host: 'h',
          headerRules: [
            { direction: 'in', action: 'remove', header: 'Call-ID' },
            { direction: 'out', action: 'remove', header: 'v' },
          ],
        },
      ],
    });
    expect(errorsOf({ tenants: [t] })).toEqual([
      'tenants[0].trunks[0].headerRules[0].header: Call-ID cannot be changed by a header rule',
      'tenants[0].trunks[0].headerRules[1].header: v cannot be changed by a header rule',
    ]);
  });

  it('requires teams.baseDomain and unique subdomains', () => {
    const errors = errorsOf({
      tenants: [tenant({ teamsSubdomain: 'contoso' }), { id: 'b', teamsSubdomain: 'contoso' }],
    });
    expect(errors).toContain('teams.baseDomain: required because tenants[0] has a teamsSubdomain');
    expect(errors).toContain('tenants[1].teamsSubdomain: "contoso" is already used by tenants[0]');
  });

  it('requires rewriteTo with caller-ID policy rewrite', () => {
    expect(errorsOf({ tenants: [tenant({ callerId: { policy: 'rewrite' } })] })).toEqual([
      'tenants[0].callerId.rewriteTo: rewriteTo is required with policy rewrite',
    ]);
  });
});
