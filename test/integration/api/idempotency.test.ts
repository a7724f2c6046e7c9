import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';
import { counts } from './support/snapshot';

const site = (name: string) => ({ name, kind: 'central', country: 'NL' });

describe.each(backends)('Idempotency-Key on POST (%s)', (backend) => {
  let api: TestApi;
  let a: Client;
  let b: Client;
  let operator: Client;

  beforeAll(async () => {
    api = await startTestApi(backend);
    a = clientFor(api, await api.createTenant('idem-a'));
    b = clientFor(api, await api.createTenant('idem-b'));
    operator = clientFor(api, api.adminKey);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('replays the stored response for the same key and body, without a second insert', async () => {
    const headers = { 'idempotency-key': 'create-site-1' };
    const first = await a.post('/v1/sites', site('Amsterdam'), headers);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await counts(api.db);
    // Same JSON with keys in another order is the same request.
    const again = await a.post(
      '/v1/sites',
      { country: 'NL', kind: 'central', name: 'Amsterdam' },
      headers,
    );
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await counts(api.db)).toEqual(before);
  });

  it('answers 422 when the key is reused with another body or on another route', async () => {
    const headers = { 'idempotency-key': 'create-site-2' };
    expect((await a.post('/v1/sites', site('Utrecht'), headers)).status).toBe(201);
    const before = await counts(api.db);
    const other = await a.post('/v1/sites', site('Rotterdam'), headers);
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({
      type: 'urn:ccx:problem:idempotency-key-reused',
      status: 422,
    });
    const route = await a.post('/v1/skills', { name: 'x' }, headers);
    expect(route.status).toBe(422);
    expect(await counts(api.db)).toEqual(before);
  });

  it('scopes keys per tenant', async () => {
    const headers = { 'idempotency-key': 'shared-key' };
    const inA = await a.post('/v1/sites', site('Shared'), headers);
    const inB = await b.post('/v1/sites', site('Shared'), headers);
    expect(inA.status).toBe(201);
    expect(inB.status).toBe(201);
    expect(inB.body.id).not.toBe(inA.body.id);
    expect(inB.headers['idempotent-replayed']).toBeUndefined();
  });

  it('does not burn the key on a failed request: a corrected retry succeeds', async () => {
    const headers = { 'idempotency-key': 'fix-and-retry' };
    const before = await counts(api.db);
    const bad = await a.post('/v1/sites', { ...site('Bad'), country: 'ZZ' }, headers);
    expect(bad.status).toBe(400);
    expect(await counts(api.db)).toEqual(before);
    const good = await a.post('/v1/sites', site('Good'), headers);
    expect(good.status).toBe(201);
  });

  it('lets concurrent duplicates create one object', async () => {
    const headers = { 'idempotency-key': 'concurrent' };
    const before = (await counts(api.db))['sites'];
    const results = await Promise.all(
      Array.from({ length: 6 }, () => a.post('/v1/sites', site('Concurrent'), headers)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await counts(api.db))['sites']).toBe((before ?? 0) + 1);
  });

  it('works on operator routes, and the stored copy of a new API key is sealed', async () => {
    const headers = { 'idempotency-key': 'issue-key-1' };
    const first = await operator.post('/v1/tenants/idem-a/api-keys', { name: 'ci' }, headers);
    const again = await operator.post('/v1/tenants/idem-a/api-keys', { name: 'ci' }, headers);
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const { rows } = await api.db.pool.query<{ body: string }>(
      `select response_body::text as body from idempotency_keys where key = 'issue-key-1'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).not.toContain(first.body.key.slice(-20));
    const { rows: keys } = await api.db.pool.query(`select * from api_keys where name = 'ci'`);
    expect(keys).toHaveLength(1);
  });

  it('forgets keys after 24 hours', async () => {
    const headers = { 'idempotency-key': 'old-key' };
    expect((await a.post('/v1/sites', site('Old'), headers)).status).toBe(201);
    await api.db.pool.query(
      `update idempotency_keys set created_at = now() - interval '25 hours' where key = 'old-key'`,
    );
    const reused = await a.post('/v1/sites', site('New'), headers);
    expect(reused.status).toBe(201);
    expect(reused.body.name).toBe('New');
    const { rows } = await api.db.pool.query(
      `select 1 from idempotency_keys where key = 'old-key'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('refuses a malformed key, naming the header', async () => {
    const res = await a.post('/v1/sites', site('x'), { 'idempotency-key': 'with space' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['Idempotency-Key']);
  });
});
