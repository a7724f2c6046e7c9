import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantResources } from '@ccx/control-plane';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';
import { collections, seedTenant, type Refs } from './support/fixtures';

describe.each(backends)('tenant resources CRUD (%s)', (backend) => {
  let api: TestApi;
  let t: Client;
  let refs: Refs;
  let n = 10;

  beforeAll(async () => {
    api = await startTestApi(backend);
    t = clientFor(api, await api.createTenant('crud'));
    refs = (await seedTenant(t, 1)).refs;
  });
  afterAll(async () => {
    await api?.close();
  });

  it.each(tenantResources.map((def) => [def.path, def] as const))(
    '%s: create, read, list, patch and delete',
    async (path, def) => {
      const base = `/v1/${path}`;
      const fixture = collections[base];
      if (!fixture) throw new Error(`no fixture for ${base}`);
      const body = fixture.create(refs, n++);

      const created = await t.post(base, body);
      expect(created.status, created.text).toBe(201);
      expect(created.headers['content-type']).toMatch(/^application\/json/);
      const object = def.output.parse(created.body) as Record<string, unknown>;
      expect(object).toMatchObject({ ...body, revision: 1 });
      expect(object).not.toHaveProperty('tenantId');
      const id = String(object['id']);

      const got = await t.get(`${base}/${id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(created.body);

      const list = await t.get(`${base}?limit=200`);
      expect(list.status).toBe(200);
      expect((list.body as { items: { id: string }[] }).items.map((i) => i.id)).toContain(id);

      const patched = await t.patch(`${base}/${id}`, fixture.patch);
      expect(patched.status, patched.text).toBe(200);
      expect(def.output.parse(patched.body)).toMatchObject({ ...fixture.patch, revision: 2 });
      expect((await t.get(`${base}/${id}`)).body).toEqual(patched.body);

      const deleted = await t.delete(`${base}/${id}`);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect((await t.get(`${base}/${id}`)).status).toBe(404);
      expect((await t.delete(`${base}/${id}`)).status).toBe(404);
    },
  );

  it('answers 404 for ids that are not UUIDs or do not exist', async () => {
    for (const id of ['nope', '00000000-0000-4000-8000-000000000000']) {
      const res = await t.get(`/v1/sites/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ type: 'urn:ccx:problem:not-found', status: 404 });
    }
  });

  it('names every invalid field', async () => {
    const res = await t.post('/v1/trunks', {
      name: '',
      kind: 'sbc',
      host: 'not a host',
      port: 70000,
      transport: 'tls',
      maxChannels: 0,
      codecs: ['G729', 'PCMA'],
      colour: 'red',
    });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:ccx:problem:validation',
      status: 400,
      instance: '/v1/trunks',
    });
    expect(fieldsOf(res.body).sort()).toEqual(
      ['codecs.0', 'colour', 'host', 'kind', 'maxChannels', 'name', 'port'].sort(),
    );
  });

  it('validates countries, E.164 ranges, skill levels and duplicates', async () => {
    const site = await t.post('/v1/sites', { name: 'x', kind: 'branch', country: 'XX' });
    expect(fieldsOf(site.body)).toEqual(['country']);
    const lower = await t.post('/v1/sites', { name: 'x', kind: 'branch', country: 'de' });
    expect(fieldsOf(lower.body)).toEqual(['country']);

    const reversed = await t.post('/v1/number-ranges', {
      firstNumber: '+4940200099',
      lastNumber: '+4940200000',
    });
    expect(reversed.status).toBe(400);
    expect(fieldsOf(reversed.body)).toEqual(['lastNumber']);
    const lengths = await t.post('/v1/number-ranges', {
      firstNumber: '+494020000',
      lastNumber: '+4940200099',
    });
    expect(fieldsOf(lengths.body)).toEqual(['lastNumber']);
    const notE164 = await t.post('/v1/number-ranges', {
      firstNumber: '04940200000',
      lastNumber: '+4940200099',
    });
    expect(fieldsOf(notE164.body)).toEqual(['firstNumber']);

    const dup = await t.post('/v1/queues', {
      name: 'dup',
      method: 'round-robin',
      maxWaitSeconds: 10,
      requiredSkills: [
        { skillId: refs.skillId, minLevel: 1 },
        { skillId: refs.skillId, minLevel: 6 },
      ],
    });
    expect(fieldsOf(dup.body).sort()).toEqual([
      'requiredSkills.1.minLevel',
      'requiredSkills.1.skillId',
    ]);
  });

  it('refuses references to objects that do not exist, naming the field', async () => {
    const res = await t.post('/v1/trunks', {
      ...collections['/v1/trunks']!.create(refs, n++),
      siteId: '00000000-0000-4000-8000-000000000000',
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'siteId', message: 'no site with id "00000000-0000-4000-8000-000000000000"' },
    ]);
  });

  it('answers 409 naming the field for a taken unique value (UPNs compare case-insensitively)', async () => {
    expect((await t.post('/v1/skills', { name: 'unique-skill' })).status).toBe(201);
    const again = await t.post('/v1/skills', { name: 'unique-skill' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: 'urn:ccx:problem:conflict',
      errors: [{ field: 'name' }],
    });
    const agent = { displayName: 'Bo', upn: 'bo@example.com' };
    expect((await t.post('/v1/agents', agent)).status).toBe(201);
    const upper = await t.post('/v1/agents', { ...agent, upn: 'BO@Example.com' });
    expect(upper.status).toBe(409);
    expect(fieldsOf(upper.body)).toEqual(['upn']);
  });

  it('refuses overlapping number ranges of a tenant, on create and on patch', async () => {
    const first = await t.post('/v1/number-ranges', {
      firstNumber: '+4989100000',
      lastNumber: '+4989100099',
    });
    expect(first.status).toBe(201);
    const overlap = await t.post('/v1/number-ranges', {
      firstNumber: '+4989100050',
      lastNumber: '+4989100150',
    });
    expect(overlap.status).toBe(409);
    expect(fieldsOf(overlap.body)).toEqual(['firstNumber']);
    const inside = await t.post('/v1/number-ranges', {
      firstNumber: '+4989100010',
      lastNumber: '+4989100010',
    });
    expect(inside.status).toBe(409);
    const adjacent = await t.post('/v1/number-ranges', {
      firstNumber: '+4989100100',
      lastNumber: '+4989100199',
    });
    expect(adjacent.status).toBe(201);
    // Another length is another set of numbers.
    const longer = await t.post('/v1/number-ranges', {
      firstNumber: '+49891000000',
      lastNumber: '+49891009999',
    });
    expect(longer.status).toBe(201);
    const grow = await t.patch(`/v1/number-ranges/${adjacent.body.id}`, {
      firstNumber: '+4989100099',
    });
    expect(grow.status).toBe(409);
    const shrink = await t.patch(`/v1/number-ranges/${adjacent.body.id}`, {
      lastNumber: '+4989100120',
    });
    expect(shrink.status).toBe(200);
    const cross = await t.patch(`/v1/number-ranges/${adjacent.body.id}`, {
      lastNumber: '+4989100',
    });
    expect(fieldsOf(cross.body)).toEqual(['lastNumber']);
  });

  it('keeps queue overflow chains acyclic and skills in use undeletable', async () => {
    const q = (name: string, extra = {}) =>
      t.post('/v1/queues', { name, method: 'longest-idle', maxWaitSeconds: 30, ...extra });
    const toQueue = (id: string) => ({ overflow: { kind: 'queue', target: id } });
    const q1 = (await q('loop-1')).body as { id: string };
    const q2 = (await q('loop-2', toQueue(q1.id))).body as { id: string };
    const self = await t.patch(`/v1/queues/${q1.id}`, toQueue(q1.id));
    expect(fieldsOf(self.body)).toEqual(['overflow.target']);
    const loop = await t.patch(`/v1/queues/${q1.id}`, toQueue(q2.id));
    expect(loop.status).toBe(400);
    expect(fieldsOf(loop.body)).toEqual(['overflow.target']);
    const target = await t.delete(`/v1/queues/${q1.id}`);
    expect(target.status).toBe(409);
    const cleared = await t.patch(`/v1/queues/${q2.id}`, { overflow: { kind: 'disconnect' } });
    expect(cleared.body.overflow).toEqual({ kind: 'disconnect' });
    expect((await t.delete(`/v1/queues/${q1.id}`)).status).toBe(204);

    const inUse = await t.delete(`/v1/skills/${refs.skillId}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.detail).toMatch(/queue|agent/);
  });

  it('refuses an empty PATCH and unknown fields in a PATCH', async () => {
    const empty = await t.patch(`/v1/sites/${refs.siteId}`, {});
    expect(empty.status).toBe(400);
    expect(fieldsOf(empty.body)).toEqual(['(root)']);
    const unknown = await t.patch(`/v1/sites/${refs.siteId}`, {
      id: '00000000-0000-4000-8000-000000000000',
    });
    expect(fieldsOf(unknown.body)).toEqual(['id']);
  });

  it('clears an optional reference with null and keeps untouched fields', async () => {
    const trunk = await t.post('/v1/trunks', collections['/v1/trunks']!.create(refs, n++));
    const res = await t.patch(`/v1/trunks/${trunk.body.id}`, { siteId: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ siteId: null, host: 'sip.example.net', codecs: ['PCMA'] });
  });
});
