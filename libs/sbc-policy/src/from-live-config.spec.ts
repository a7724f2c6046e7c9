import { describe, expect, it } from 'vitest';
import { sbcSettings } from './config';
import { settingsFromLive, type LiveRows } from './from-live-config';

// Rows as the API returns them (and the live projection stores them): nulls for unset columns.
const stamps = { revision: 1, createdAt: '2026-01-01T00:00:00.000Z' };
const rows = (): LiveRows => ({
  tenants: [
    {
      ...stamps,
      id: 'acme',
      name: 'Acme',
      teamsSubdomain: 'acme',
      maxCalls: 50,
      maxBandwidthKbps: null,
      callerIdPolicy: 'rewrite',
      callerIdRewriteTo: '+4930123400',
      dialPlan: [{ name: 'national', pattern: '^0(\\d+)$', translation: '+49$1' }],
    },
    {
      ...stamps,
      id: 'globex',
      name: 'Globex',
      teamsSubdomain: null,
      maxCalls: null,
      maxBandwidthKbps: null,
      callerIdPolicy: 'reject',
      callerIdRewriteTo: null,
      dialPlan: [],
    },
  ],
  sites: [
    {
      ...stamps,
      id: 's1',
      tenantId: 'acme',
      name: 'Berlin',
      kind: 'central',
      country: 'DE',
      localEgress: true,
    },
  ],
  trunks: [
    {
      ...stamps,
      id: 't1',
      tenantId: 'acme',
      name: 'itsp-de',
      kind: 'itsp',
      siteId: 's1',
      host: 'sip.carrier.example',
      port: 5060,
      transport: 'udp',
      maxChannels: 30,
      codecs: ['PCMA'],
      enabled: true,
      address: '192.0.2.10',
      sources: [],
      tlsNames: [],
      maxBandwidthKbps: 2400,
      ptime: 20,
      priority: 10,
      headerRules: [{ direction: 'out', action: 'remove', header: 'P-Preferred-Identity' }],
    },
    {
      ...stamps,
      id: 't2',
      tenantId: 'acme',
      name: 'pbx',
      kind: 'pbx',
      siteId: null,
      host: '198.51.100.7',
      port: 5061,
      transport: 'tls',
      maxChannels: 10,
      codecs: ['PCMU', 'PCMA'],
      enabled: false,
      address: null,
      sources: ['198.51.100.0/24'],
      tlsNames: ['pbx.acme.example'],
      maxBandwidthKbps: null,
      ptime: 30,
      priority: 100,
      headerRules: [],
    },
    {
      ...stamps,
      id: 'teams-row',
      tenantId: 'acme',
      name: 'teams',
      kind: 'teams',
      siteId: 's1',
      host: 'sip.pstnhub.microsoft.com',
      port: 5061,
      transport: 'tls',
      maxChannels: 100,
      codecs: ['PCMA'],
    },
  ],
  numberRanges: [
    {
      ...stamps,
      tenantId: 'acme',
      firstNumber: '+4930123400',
      lastNumber: '+4930123499',
      siteId: 's1',
      trunkId: 't1',
      purpose: 'did',
    },
    {
      ...stamps,
      tenantId: 'acme',
      firstNumber: '+4930555000',
      lastNumber: '+4930555099',
      siteId: null,
      trunkId: 'teams-row',
      purpose: 'agent',
    },
  ],
});

describe('settingsFromLive', () => {
  const settings = sbcSettings.parse(
    settingsFromLive(rows(), { teams: { baseDomain: 'sbc.carrier.example' } }),
  );
  const acme = settings.tenants.find((t) => t.id === 'acme');

  it('carries the tenant fields, turning nulls into absent values', () => {
    expect(settings.teams.baseDomain).toBe('sbc.carrier.example');
    expect(settings.tenants.map((t) => t.id)).toEqual(['acme', 'globex']);
    expect(acme).toMatchObject({
      teamsSubdomain: 'acme',
      maxCalls: 50,
      callerId: { policy: 'rewrite', rewriteTo: '+4930123400' },
      dialPlan: [{ name: 'national', pattern: '^0(\\d+)$', translation: '+49$1' }],
    });
    expect(acme?.maxBandwidthKbps).toBeUndefined();
    const globex = settings.tenants.find((t) => t.id === 'globex');
    expect(globex?.teamsSubdomain).toBeUndefined();
    expect(globex?.callerId).toEqual({ policy: 'reject' });
    expect(globex?.trunks).toEqual([]);
  });

  it('maps sites and SIP trunks, and leaves out Teams rows', () => {
    expect(acme?.sites).toEqual([
      { id: 's1', name: 'Berlin', kind: 'central', country: 'DE', localEgress: true },
    ]);
    expect(acme?.trunks.map((t) => t.id)).toEqual(['t1', 't2']);
    const [itsp, pbx] = acme?.trunks ?? [];
    expect(itsp).toMatchObject({
      kind: 'itsp',
      siteId: 's1',
      address: '192.0.2.10',
      maxBandwidthKbps: 2400,
      priority: 10,
      headerRules: [{ direction: 'out', action: 'remove', header: 'P-Preferred-Identity' }],
    });
    expect(pbx).toMatchObject({
      kind: 'pbx',
      transport: 'tls',
      ptime: 30,
      enabled: false,
      tlsNames: ['pbx.acme.example'],
    });
    expect(pbx?.siteId).toBeUndefined();
    expect(pbx?.address).toBeUndefined();
  });

  it('accepts a trunk without sources from the address it sends to, else its host', () => {
    const [itsp, pbx] = acme?.trunks ?? [];
    expect(itsp?.sources).toEqual(['192.0.2.10']);
    expect(pbx?.sources).toEqual(['198.51.100.0/24']);
    const noAddress = rows();
    noAddress.trunks = noAddress.trunks.map((t) => ({ ...t, address: null, sources: [] }));
    const parsed = sbcSettings.parse(settingsFromLive(noAddress));
    expect(parsed.tenants[0]?.trunks.map((t) => t.sources)).toEqual([
      ['sip.carrier.example'],
      ['198.51.100.7'],
    ]);
  });

  it('keeps number ranges, dropping a reference to a Teams row', () => {
    expect(acme?.numberRanges).toEqual([
      { first: '+4930123400', last: '+4930123499', siteId: 's1', trunkId: 't1', purpose: 'did' },
      { first: '+4930555000', last: '+4930555099', purpose: 'agent' },
    ]);
  });

  it('includes a tenant whose own row has not arrived yet, with defaults', () => {
    const early = rows();
    early.tenants = [];
    const parsed = sbcSettings.parse(settingsFromLive(early));
    expect(parsed.tenants.map((t) => [t.id, t.callerId.policy, t.trunks.length])).toEqual([
      ['acme', 'reject', 2],
    ]);
  });
});
