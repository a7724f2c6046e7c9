import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';
import { seedTenant, type Refs } from './support/fixtures';
import { snapshot } from './support/snapshot';

describe.each(backends)('bad input leaves the database unchanged (%s)', (backend) => {
  let api: TestApi;
  let key: string;
  let t: Client;
  let limited: Client;
  let refs: Refs;
  let objects: Record<string, string>;

  beforeAll(async () => {
    api = await startTestApi(backend);
    key = await api.createTenant('errors');
    t = clientFor(api, key);
    ({ refs, objects } = await seedTenant(t, 1));
    limited = clientFor(
      api,
      (await t.post('/v1/api-keys', { name: 'limited', scopes: ['keys:manage'] })).body
        .key as string,
    );
    await t.post(
      '/v1/sites',
      { name: 'taken', kind: 'central', country: 'DE' },
      { 'idempotency-key': 'used' },
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  const raw = (method: 'post' | 'patch', path: string, type: string, body: string) =>
    api
      .http()
      [method](path)
      .set('authorization', `Bearer ${key}`)
      .set('content-type', type)
      .send(body);

  const cases: [
    string,
    () => Promise<{ status: number; body: unknown; headers: Record<string, string> }>,
    number,
    string[]?,
  ][] = [
    [
      'invalid field',
      () => t.post('/v1/sites', { name: 'x', kind: 'hq', country: 'DE' }),
      400,
      ['kind'],
    ],
    [
      'unknown field',
      () => t.post('/v1/skills', { name: 'x', tenantId: 'errors' }),
      400,
      ['tenantId'],
    ],
    ['body not an object', () => t.post('/v1/skills', [1, 2]), 400, ['(root)']],
    ['missing body', () => t.post('/v1/skills'), 400, ['(root)']],
    [
      'unknown reference',
      () =>
        t.post('/v1/trunks', {
          name: 'x',
          kind: 'pbx',
          host: 'pbx.local',
          port: 5060,
          transport: 'udp',
          maxChannels: 1,
          siteId: '00000000-0000-4000-8000-000000000000',
        }),
      400,
      ['siteId'],
    ],
    [
      'duplicate name',
      () => t.post('/v1/sites', { name: 'taken', kind: 'branch', country: 'FR' }),
      409,
      ['name'],
    ],
    [
      'overlapping numbers',
      () => t.post('/v1/number-ranges', { firstNumber: '+4930010150', lastNumber: '+4930010150' }),
      409,
      ['firstNumber'],
    ],
    [
      'reversed numbers',
      () => t.post('/v1/number-ranges', { firstNumber: '+4930999999', lastNumber: '+4930999000' }),
      400,
      ['lastNumber'],
    ],
    [
      'bad patch',
      () => t.patch(`/v1/trunks/${refs.trunkId}`, { port: 0, codecs: [] }),
      400,
      ['codecs', 'port'],
    ],
    [
      'patch to a taken name',
      () => t.patch(`/v1/sites/${refs.siteId}`, { name: 'taken' }),
      409,
      ['name'],
    ],
    [
      'overflow into itself',
      () =>
        t.patch(`/v1/queues/${refs.queueId}`, {
          overflow: { kind: 'queue', target: refs.queueId },
        }),
      400,
      ['overflow.target'],
    ],
    ['delete a skill in use', () => t.delete(`/v1/skills/${refs.skillId}`), 409],
    ['malformed JSON', () => raw('post', '/v1/sites', 'application/json', '{"name": "x",'), 400],
    ['not JSON', () => raw('post', '/v1/sites', 'text/plain', 'name=x'), 415],
    [
      'form body',
      () =>
        raw(
          'post',
          '/v1/sites',
          'application/x-www-form-urlencoded',
          'name=x&kind=central&country=DE',
        ),
      415,
    ],
    [
      'malformed JSON patch',
      () => raw('patch', `/v1/sites/${refs.siteId}`, 'application/json', '{'),
      400,
    ],
    [
      'too large',
      () => t.post('/v1/skills', { name: 'x', description: 'y'.repeat(2_000_000) }),
      413,
    ],
    [
      'idempotency key reused',
      () =>
        t.post(
          '/v1/sites',
          { name: 'other', kind: 'central', country: 'DE' },
          { 'idempotency-key': 'used' },
        ),
      422,
    ],
    [
      'idempotent POST with a bad body',
      () => t.post('/v1/sites', { name: '' }, { 'idempotency-key': 'fresh' }),
      400,
      ['country', 'kind', 'name'],
    ],
    [
      'key with more rights than its creator',
      () => limited.post('/v1/api-keys', { name: 'x', scopes: ['config:write'] }),
      403,
      ['scopes'],
    ],
    [
      'unknown id',
      () => t.patch('/v1/agents/00000000-0000-4000-8000-000000000000', { maxMissedOffers: 2 }),
      404,
    ],
    ['unknown route', () => t.post('/v1/nothing', {}), 404],
  ];

  it.each(cases)('%s', async (_name, attempt, status, fields) => {
    const before = await snapshot(api.db);
    const res = await attempt();
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.body as { type: string; title: string; status: number; instance: string };
    expect(problem).toMatchObject({
      status,
      type: expect.stringMatching(/^urn:ccx:problem:/),
      title: expect.any(String),
    });
    expect(problem.instance).toMatch(/^\/v1\//);
    if (fields) expect(fieldsOf(res.body).sort()).toEqual(fields);
    expect(await snapshot(api.db)).toEqual(before);
  });

  it('keeps the objects the failed requests aimed at', async () => {
    for (const [path, id] of Object.entries(objects)) {
      expect((await t.get(`${path}/${id}`)).status).toBe(200);
    }
  });
});
