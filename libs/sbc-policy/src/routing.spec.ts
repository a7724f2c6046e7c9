import { describe, expect, it } from 'vitest';
import type { SbcSettingsInput } from './config';
import { SbcPolicy } from './routing';
import { enterprise, FakeHealth, settings } from './testing/fixtures';
import type { Destination, RouteDecision } from './types';

const build = (input: SbcSettingsInput = enterprise(), health = new FakeHealth()) => {
  const p = new SbcPolicy(settings(input), health);
  const contoso = p.tenants.get('contoso')!;
  return {
    p,
    health,
    fromTeams: (calling: string, called: string) =>
      p.route({ ingress: { kind: 'teams', tenant: contoso }, calling, called }),
    fromTrunk: (trunkId: string, calling: string, called: string) =>
      p.route({
        ingress: {
          kind: 'trunk',
          tenant: contoso,
          trunk: contoso.trunks.find((t) => t.id === trunkId)!,
        },
        calling,
        called,
      }),
  };
};

const hops = (d: RouteDecision): string[] => {
  if (!d.ok) throw new Error(`refused: ${d.status} ${d.reason}`);
  return d.destinations.map((x: Destination) =>
    x.kind === 'trunk'
      ? x.trunk.id
      : x.kind === 'teams'
        ? x.proxy.host.split('.')[0]!
        : x.requestUri,
  );
};

describe('route inbound (trunk → Teams)', () => {
  it('sends a DID call to the Teams proxies with the tenant FQDN and +E.164', () => {
    const d = build().fromTrunk('ber-1', '+33155500001', '030123401');
    expect(d).toMatchObject({
      ok: true,
      direction: 'inbound',
      called: '+4930123401',
      siteId: 'ber',
    });
    if (!d.ok) return;
    expect(d.destinations[0]).toMatchObject({
      kind: 'teams',
      requestUri: 'sip:+4930123401@sip.pstnhub.microsoft.com:5061;transport=tls',
      contactHost: 'contoso.sbc.carrier.example',
    });
    expect(hops(d)).toEqual(['sip', 'sip2', 'sip3']);
  });

  it('leaves out proxies that are down, but tries all in order when all are down', () => {
    const t = build();
    t.health.set('teams:sip.pstnhub.microsoft.com', 'down');
    expect(hops(t.fromTrunk('ber-1', '+331', '+4930123401'))).toEqual(['sip2', 'sip3']);
    t.health
      .set('teams:sip2.pstnhub.microsoft.com', 'down')
      .set('teams:sip3.pstnhub.microsoft.com', 'down');
    expect(hops(t.fromTrunk('ber-1', '+331', '+4930123401'))).toEqual(['sip', 'sip2', 'sip3']);
  });

  it('holds a queue number for routing', () => {
    const d = build().fromTrunk('ber-1', '+331', '+4930123450');
    expect(d).toMatchObject({ ok: true, holdForRouting: true, destinations: [] });
  });

  it('answers 404 / cause 1 for a number the tenant does not own', () => {
    expect(build().fromTrunk('ber-1', '+331', '+4930999999')).toMatchObject({
      ok: false,
      status: 404,
      q850Cause: 1,
    });
  });

  it('sends a number hosted on a PBX trunk to that PBX', () => {
    const s = enterprise();
    const c = s.tenants![0]!;
    c.trunks!.push({ id: 'pbx', name: 'pbx', kind: 'pbx', host: '10.1.1.1', siteId: 'ber' });
    c.numberRanges!.push({ first: '+4930124000', last: '+4930124099', trunkId: 'pbx' });
    const d = build(s).fromTrunk('ber-1', '+331', '+4930124001');
    expect(d.ok && d.destinations[0]).toMatchObject({
      kind: 'trunk',
      requestUri: 'sip:+4930124001@10.1.1.1:5060;user=phone',
    });
  });
});

describe('route outbound (Teams → PSTN): caller-ID screening', () => {
  it('lets an owned number through, normalised', () => {
    const d = build().fromTeams('+4930123401', '0033155500001');
    expect(d).toMatchObject({
      ok: true,
      calling: '+4930123401',
      called: '+33155500001',
      callingRewritten: false,
    });
  });

  it('refuses a number the tenant does not own with 403 / cause 21 (policy reject)', () => {
    expect(build().fromTeams('+4970000000', '+33155500001')).toMatchObject({
      ok: false,
      status: 403,
      q850Cause: 21,
    });
  });

  it('rewrites it (policy rewrite) and lets it through (policy allow)', () => {
    const s = enterprise();
    s.tenants![0]!.callerId = { policy: 'rewrite', rewriteTo: '+4930123400' };
    expect(build(s).fromTeams('+4970000000', '+33155500001')).toMatchObject({
      ok: true,
      calling: '+4930123400',
      callingRewritten: true,
    });
    s.tenants![0]!.callerId = { policy: 'allow' };
    expect(build(s).fromTeams('+4970000000', '+33155500001')).toMatchObject({
      ok: true,
      calling: '+4970000000',
      callingRewritten: false,
    });
  });

  it('answers 484 when the called number cannot be made E.164', () => {
    expect(build().fromTeams('+4930123401', '12')).toMatchObject({ ok: false, status: 484 });
  });
});

describe('route outbound: trunk selection', () => {
  it('centralized: a caller at the central site uses central trunks by priority, never branches', () => {
    expect(hops(build().fromTeams('+4930123401', '+4969000000'))).toEqual(['ber-1', 'ber-2']);
  });

  it('centralized: a branch without trunks uses the central ones', () => {
    expect(hops(build().fromTeams('+4940777001', '+4969000000'))).toEqual(['ber-1', 'ber-2']);
  });

  it('distributed: a branch with its own trunk uses it first, then the central ones', () => {
    expect(hops(build().fromTeams('+4989555001', '+4969000000'))).toEqual([
      'muc-1',
      'ber-1',
      'ber-2',
    ]);
  });

  it('branch survivability: the branch trunk stays first when the central trunks are down', () => {
    const t = build();
    t.health.set('ber-1', 'down').set('ber-2', 'down');
    expect(hops(t.fromTeams('+4989555001', '+4969000000'))).toEqual(['muc-1', 'ber-1', 'ber-2']);
  });

  it('a dead branch trunk moves behind the live central ones', () => {
    const t = build();
    t.health.set('muc-1', 'down');
    expect(hops(t.fromTeams('+4989555001', '+4969000000'))).toEqual(['ber-1', 'ber-2', 'muc-1']);
  });

  it('up before degraded before down, then priority', () => {
    const t = build();
    t.health.set('ber-1', 'degraded');
    expect(hops(t.fromTeams('+4930123401', '+4969000000'))).toEqual(['ber-2', 'ber-1']);
    t.health.set('ber-2', 'down');
    expect(hops(t.fromTeams('+4930123401', '+4969000000'))).toEqual(['ber-1', 'ber-2']);
  });

  it('country rule: a local-egress site only uses trunks in its country', () => {
    const d = build().fromTeams('+33155500001', '+4969000000');
    expect(hops(d)).toEqual(['par-1']);
    expect(d.ok && d.destinations[0]).toMatchObject({
      requestUri: 'sip:+4969000000@198.51.100.30:5060;user=phone;transport=tcp',
    });
  });

  it('country rule: no trunk in the country is a refusal naming it', () => {
    expect(build().fromTeams('+39065550001', '+4969000000')).toMatchObject({
      ok: false,
      status: 403,
      reason: 'no trunk in IT',
    });
  });

  it('prefers the trunk named by the calling number range', () => {
    const s = enterprise();
    s.tenants![0]!.numberRanges![0]!.trunkId = 'ber-2';
    expect(hops(build(s).fromTeams('+4930123401', '+4969000000'))).toEqual(['ber-2', 'ber-1']);
  });

  it('writes the transport parameter for TLS trunks', () => {
    const d = build().fromTeams('+4930123401', '+4969000000');
    expect(d.ok && d.destinations[1]).toMatchObject({
      requestUri: 'sip:+4969000000@sip.two.example:5061;user=phone;transport=tls',
    });
  });
});

describe('destinationForConnect', () => {
  it('teams-user → Teams proxies; number → central trunks; sip-uri → as given', () => {
    const { p } = build();
    const teams = p.destinationForConnect('contoso', { kind: 'teams-user', number: '+4930123402' });
    expect(teams.ok && teams.destinations.map((d) => d.kind)).toEqual(['teams', 'teams', 'teams']);
    const number = p.destinationForConnect('contoso', { kind: 'number', number: '+4969000000' });
    expect(
      number.ok && number.destinations.map((d) => (d.kind === 'trunk' ? d.trunk.id : '')),
    ).toEqual(['ber-1', 'ber-2']);
    const uri = p.destinationForConnect('contoso', { kind: 'sip-uri', uri: 'sip:agent@10.0.0.1' });
    expect(uri).toEqual({
      ok: true,
      destinations: [{ kind: 'uri', requestUri: 'sip:agent@10.0.0.1' }],
    });
  });

  it('refuses an unknown tenant', () => {
    expect(
      build().p.destinationForConnect('nobody', { kind: 'sip-uri', uri: 'sip:a@b' }),
    ).toMatchObject({ ok: false, status: 404 });
  });
});
