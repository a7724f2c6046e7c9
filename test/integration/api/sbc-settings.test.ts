import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';
import { snapshot } from './support/snapshot';

const trunk = (name: string) => ({
  name,
  kind: 'itsp',
  host: 'sip.carrier.example',
  port: 5060,
  transport: 'udp',
  maxChannels: 30,
  codecs: ['PCMA'],
});

describe.each(backends)('the SBC settings of tenants, trunks and sites (%s)', (backend) => {
  let api: TestApi;
  let operator: Client;
  let t: Client;

  beforeAll(async () => {
    api = await startTestApi(backend);
    operator = clientFor(api, api.adminKey);
    t = clientFor(api, await api.createTenant('sbc-fields'));
  });
  afterAll(async () => {
    await api?.close();
  });

  /** A refused request names exactly `fields` and writes nothing. */
  async function refused(send: () => PromiseLike<{ status: number; body: unknown }>) {
    const before = await snapshot(api.db);
    const res = await send();
    expect(await snapshot(api.db)).toEqual(before);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    return fieldsOf(res.body);
  }

  it('creates a tenant with its Teams subdomain, limits, caller-ID policy and dial plan', async () => {
    const dialPlan = [
      { name: 'national', pattern: '^0([1-9]\\d+)$', translation: '+49$1' },
      { pattern: '^\\+\\d+$', translation: '$0' },
    ];
    const created = await operator.post('/v1/tenants', {
      id: 'contoso',
      name: 'Contoso',
      teamsSubdomain: 'contoso',
      maxCalls: 40,
      maxBandwidthKbps: 4000,
      callerIdPolicy: 'rewrite',
      callerIdRewriteTo: '+4930123400',
      dialPlan,
    });
    expect(created.status, created.text).toBe(201);
    const expected = {
      id: 'contoso',
      teamsSubdomain: 'contoso',
      maxCalls: 40,
      maxBandwidthKbps: 4000,
      callerIdPolicy: 'rewrite',
      callerIdRewriteTo: '+4930123400',
      dialPlan,
    };
    expect(created.body).toMatchObject(expected);
    expect((await operator.get('/v1/tenants/contoso')).body).toMatchObject(expected);

    const patched = await operator.patch('/v1/tenants/contoso', {
      callerIdPolicy: 'allow',
      maxCalls: null,
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ callerIdPolicy: 'allow', maxCalls: null, revision: 2 });
  });

  it('gives a tenant created without them the defaults', async () => {
    const res = await operator.post('/v1/tenants', { id: 'plain', name: 'Plain' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      teamsSubdomain: null,
      maxCalls: null,
      maxBandwidthKbps: null,
      callerIdPolicy: 'reject',
      callerIdRewriteTo: null,
      dialPlan: [],
    });
  });

  it('refuses a dial plan rule whose pattern is not a regular expression, naming it', async () => {
    const body = {
      id: 'badregex',
      name: 'Bad',
      dialPlan: [{ pattern: '^0(\\d+$', translation: '+49$1' }],
    };
    expect(await refused(() => operator.post('/v1/tenants', body))).toEqual(['dialPlan.0.pattern']);
    expect(
      await refused(() =>
        operator.patch('/v1/tenants/plain', {
          dialPlan: [
            { pattern: '^1$', translation: '+1' },
            { pattern: '[', translation: '' },
          ],
        }),
      ),
    ).toEqual(['dialPlan.1.pattern']);
  });

  it('refuses policy rewrite without a number, on create and on a patch', async () => {
    expect(
      await refused(() =>
        operator.post('/v1/tenants', { id: 'rw', name: 'Rw', callerIdPolicy: 'rewrite' }),
      ),
    ).toEqual(['callerIdRewriteTo']);
    expect(
      await refused(() => operator.patch('/v1/tenants/plain', { callerIdPolicy: 'rewrite' })),
    ).toEqual(['callerIdRewriteTo']);
    expect(
      await refused(() =>
        operator.patch('/v1/tenants/contoso', {
          callerIdPolicy: 'rewrite',
          callerIdRewriteTo: '030123',
        }),
      ),
    ).toEqual(['callerIdRewriteTo']);
  });

  it('keeps Teams subdomains unique across tenants and DNS-shaped', async () => {
    const taken = await operator.patch('/v1/tenants/plain', { teamsSubdomain: 'contoso' });
    expect(taken.status, taken.text).toBe(409);
    expect(fieldsOf(taken.body)).toEqual(['teamsSubdomain']);
    expect(
      await refused(() => operator.patch('/v1/tenants/plain', { teamsSubdomain: 'Not_A.Label' })),
    ).toEqual(['teamsSubdomain']);
  });

  it('stores and returns the SBC fields of a trunk, with defaults', async () => {
    const plain = await t.post('/v1/trunks', trunk('defaults'));
    expect(plain.status, plain.text).toBe(201);
    expect(plain.body).toMatchObject({
      sources: [],
      tlsNames: [],
      maxBandwidthKbps: null,
      ptime: 20,
      priority: 100,
      address: null,
      headerRules: [],
    });
    const fields = {
      sources: ['192.0.2.0/24', '2001:db8::1'],
      tlsNames: ['sip.carrier.example', '*.carrier.example'],
      maxBandwidthKbps: 2400,
      ptime: 30,
      priority: 5,
      address: '192.0.2.10',
      headerRules: [
        { direction: 'out', action: 'add', header: 'X-Tenant', value: '${tenant}' },
        { direction: 'in', action: 'remove', header: 'P-Preferred-Identity', methods: ['INVITE'] },
        {
          direction: 'in',
          action: 'rewrite',
          header: 'Diversion',
          match: '^<tel:',
          value: '<sip:',
        },
      ],
    };
    const full = await t.post('/v1/trunks', { ...trunk('full'), ...fields });
    expect(full.status, full.text).toBe(201);
    expect(full.body).toMatchObject(fields);
    const id = (full.body as { id: string }).id;
    const patched = await t.patch(`/v1/trunks/${id}`, { address: null, ptime: 20 });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ address: null, ptime: 20, priority: 5 });
  });

  it('refuses header rules touching the headers the SBC owns, in any spelling', async () => {
    for (const header of ['Via', 'call-id', 'CSeq', 'Max-Forwards', 'Content-Length', 'f']) {
      const rule = { direction: 'out', action: 'remove', header };
      expect(
        await refused(() =>
          t.post('/v1/trunks', { ...trunk(`bad ${header}`), headerRules: [rule] }),
        ),
        header,
      ).toEqual(['headerRules.0.header']);
    }
  });

  it('refuses bad trunk SBC fields, naming each', async () => {
    const body = {
      ...trunk('bad fields'),
      sources: ['192.0.2.0/33'],
      tlsNames: ['not a name'],
      ptime: 5,
      priority: -1,
      address: 'sip.example',
      headerRules: [
        { direction: 'in', action: 'rewrite', header: 'Diversion', match: '(', value: 'x' },
        { direction: 'in', action: 'add', header: 'X-A' },
      ],
    };
    expect((await refused(() => t.post('/v1/trunks', body))).sort()).toEqual([
      'address',
      'headerRules.0.match',
      'headerRules.1.value',
      'priority',
      'ptime',
      'sources.0',
      'tlsNames.0',
    ]);
  });

  it('stores local egress on sites, default off', async () => {
    const site = await t.post('/v1/sites', { name: 'Paris', kind: 'branch', country: 'FR' });
    expect(site.status, site.text).toBe(201);
    expect(site.body).toMatchObject({ localEgress: false });
    const id = (site.body as { id: string }).id;
    const patched = await t.patch(`/v1/sites/${id}`, { localEgress: true });
    expect(patched.body).toMatchObject({ localEgress: true });
    expect(await refused(() => t.patch(`/v1/sites/${id}`, { localEgress: 'yes' }))).toEqual([
      'localEgress',
    ]);
  });
});
