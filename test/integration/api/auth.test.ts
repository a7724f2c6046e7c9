import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';

describe.each(backends)('API keys, scopes and the operator key (%s)', (backend) => {
  let api: TestApi;
  let key: string;
  let t: Client;
  let operator: Client;

  beforeAll(async () => {
    api = await startTestApi(backend);
    key = await api.createTenant('keys');
    t = clientFor(api, key);
    operator = clientFor(api, api.adminKey);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('answers 401 with WWW-Authenticate for a missing, malformed or unknown key', async () => {
    const attempts = [
      api.http().get('/v1/sites'),
      api.http().get('/v1/sites').set('authorization', key),
      api.http().get('/v1/sites').set('authorization', `Basic ${key}`),
      api.http().get('/v1/sites').set('authorization', `Bearer ${key}x`),
      api.http().get('/v1/sites').set('authorization', 'Bearer ccx_keys_not-a-real-key'),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).toMatchObject({ type: 'urn:ccx:problem:unauthorized', status: 401 });
    }
  });

  it('shows a new key once, stores only its hash, and lists it without the secret', async () => {
    const res = await t.post('/v1/api-keys', { name: 'reporting', scopes: ['config:read'] });
    expect(res.status).toBe(201);
    const created = res.body as { id: string; key: string; prefix: string; scopes: string[] };
    expect(created.key).toMatch(/^ccx_keys_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const { rows } = await api.db.pool.query('select * from api_keys where id = $1', [created.id]);
    expect(JSON.stringify(rows)).not.toContain(created.key.slice(9));
    const got = await t.get(`/v1/api-keys/${created.id}`);
    expect(got.body).not.toHaveProperty('key');
    expect(got.body).not.toHaveProperty('hash');
    const list = await t.get('/v1/api-keys');
    expect(JSON.stringify(list.body)).not.toContain(created.key.slice(9));
  });

  it('enforces scopes: 403 names the missing scope', async () => {
    const readOnly = clientFor(
      api,
      (await t.post('/v1/api-keys', { name: 'ro', scopes: ['config:read'] })).body.key as string,
    );
    expect((await readOnly.get('/v1/sites')).status).toBe(200);
    const write = await readOnly.post('/v1/sites', { name: 'x', kind: 'central', country: 'DE' });
    expect(write.status).toBe(403);
    expect(write.body.detail).toContain('config:write');
    expect((await readOnly.get('/v1/api-keys')).status).toBe(403);
    const writeOnly = clientFor(
      api,
      (await t.post('/v1/api-keys', { name: 'wo', scopes: ['config:write'] })).body.key as string,
    );
    expect((await writeOnly.get('/v1/sites')).status).toBe(403);
  });

  it('does not let a key mint a key with scopes it does not hold', async () => {
    const manager = clientFor(
      api,
      (await t.post('/v1/api-keys', { name: 'mgr', scopes: ['keys:manage', 'config:read'] })).body
        .key as string,
    );
    const escalate = await manager.post('/v1/api-keys', { name: 'x', scopes: ['config:write'] });
    expect(escalate.status).toBe(403);
    expect(fieldsOf(escalate.body)).toEqual(['scopes']);
    const defaulted = await manager.post('/v1/api-keys', { name: 'all' });
    expect(defaulted.status).toBe(403);
    const same = await manager.post('/v1/api-keys', { name: 'ok', scopes: ['config:read'] });
    expect(same.status).toBe(201);
  });

  it('refuses a revoked key from the next request on, and keeps it listed as revoked', async () => {
    const res = await t.post('/v1/api-keys', { name: 'temp', scopes: ['config:read'] });
    const temp = clientFor(api, res.body.key as string);
    expect((await temp.get('/v1/sites')).status).toBe(200);
    expect((await t.delete(`/v1/api-keys/${res.body.id}`)).status).toBe(204);
    const after = await temp.get('/v1/sites');
    expect(after.status).toBe(401);
    expect(after.body.detail).toContain('revoked');
    const listed = await t.get(`/v1/api-keys/${res.body.id}`);
    expect(listed.body.revokedAt).toEqual(expect.any(String));
    // Revoking again is harmless.
    expect((await t.delete(`/v1/api-keys/${res.body.id}`)).status).toBe(204);
  });

  it('records when a key was last used', async () => {
    const res = await t.post('/v1/api-keys', { name: 'usage', scopes: ['config:read'] });
    expect(res.body.lastUsedAt).toBeNull();
    const before = Date.now();
    await clientFor(api, res.body.key as string).get('/v1/sites');
    const got = await t.get(`/v1/api-keys/${res.body.id}`);
    expect(Date.parse(got.body.lastUsedAt as string)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('refuses keys of a suspended tenant with 403 until reactivated', async () => {
    const other = clientFor(api, await api.createTenant('suspended'));
    expect((await operator.patch('/v1/tenants/suspended', { status: 'suspended' })).status).toBe(
      200,
    );
    const res = await other.get('/v1/sites');
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('suspended');
    await operator.patch('/v1/tenants/suspended', { status: 'active' });
    expect((await other.get('/v1/sites')).status).toBe(200);
  });

  it('lets the operator manage tenants and issue keys; tenant ids are slugs', async () => {
    const bad = await operator.post('/v1/tenants', { id: 'Not A Slug', name: 'x' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad.body)).toEqual(['id']);
    const created = await operator.post('/v1/tenants', { id: 'contoso', name: 'Contoso' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'contoso',
      name: 'Contoso',
      status: 'active',
      revision: 1,
    });
    const dup = await operator.post('/v1/tenants', { id: 'contoso', name: 'Again' });
    expect(dup.status).toBe(409);
    expect(fieldsOf(dup.body)).toEqual(['id']);
    expect((await operator.post('/v1/tenants/nobody/api-keys', { name: 'x' })).status).toBe(404);
    const issued = await operator.post('/v1/tenants/contoso/api-keys', { name: 'first' });
    expect(issued.status).toBe(201);
    expect(issued.body.scopes).toEqual([
      'config:read',
      'config:write',
      'keys:manage',
      'webhooks:manage',
      'events:read',
    ]);
    const contoso = clientFor(api, issued.body.key as string);
    expect((await contoso.post('/v1/skills', { name: 'french' })).status).toBe(201);
    const list = await operator.get('/v1/tenants?limit=200');
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain('contoso');
    // Deleting a tenant deletes what it owns, and its keys stop working.
    expect((await operator.delete('/v1/tenants/contoso')).status).toBe(204);
    expect((await contoso.get('/v1/skills')).status).toBe(401);
    const { rows } = await api.db.pool.query(`select * from skills where tenant_id = 'contoso'`);
    expect(rows).toEqual([]);
    expect((await operator.get('/v1/tenants/contoso')).status).toBe(404);
  });

  it('does not confuse the operator key with a tenant key', async () => {
    const res = await operator.get('/v1/sites');
    expect(res.status).toBe(403);
    const asTenant = await t.get('/v1/tenants');
    expect(asTenant.status).toBe(403);
  });
});
