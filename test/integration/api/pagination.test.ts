import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';

interface Page {
  items: { id: string; name: string }[];
  nextCursor: string | null;
}

describe.each(backends)('cursor pagination (%s)', (backend) => {
  let api: TestApi;
  let t: Client;
  const created: string[] = [];

  async function readAll(limit: number, onPage?: (n: number) => Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.get(`/v1/skills?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status, res.text).toBe(200);
      const page = res.body as Page;
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
      await onPage?.(++pages);
    } while (cursor);
    return ids;
  }

  beforeAll(async () => {
    api = await startTestApi(backend);
    t = clientFor(api, await api.createTenant('pages'));
    for (let i = 0; i < 23; i++) {
      const res = await t.post('/v1/skills', { name: `skill-${String(i).padStart(2, '0')}` });
      created.push((res.body as { id: string }).id);
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  it('walks every object exactly once, in creation order, whatever the page size', async () => {
    for (const limit of [1, 5, 7, 23, 200]) {
      expect(await readAll(limit)).toEqual(created);
    }
  });

  it('ends with nextCursor null, and an exact last page has no further cursor', async () => {
    const res = await t.get('/v1/skills?limit=23');
    expect((res.body as Page).nextCursor).toBeNull();
    const first = await t.get('/v1/skills');
    expect((first.body as Page).items).toHaveLength(23);
  });

  it('keeps pages stable while objects are added and puts new ones at the end', async () => {
    const added: string[] = [];
    const ids = await readAll(5, async (page) => {
      if (page === 2) {
        const res = await t.post('/v1/skills', { name: 'added-while-paging' });
        added.push((res.body as { id: string }).id);
      }
    });
    expect(ids).toEqual([...created, ...added]);
  });

  it('keeps order among rows created in the same instant (one transaction)', async () => {
    // Rows inserted by one statement share created_at; the id breaks the tie.
    await api.db.pool.query(
      `insert into skills (tenant_id, name, created_at)
       select 'pages', 'same-' || g, '2030-01-01T00:00:00.123456Z' from generate_series(1, 9) g`,
    );
    const ids = await readAll(2);
    const again = await readAll(4);
    expect(ids).toEqual(again);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(created.length + 1 + 9);
  });

  it('refuses bad limits and cursors, naming the parameter', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=abc', 'limit=1.5']) {
      const res = await t.get(`/v1/skills?${query}`);
      expect(res.status, query).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['limit']);
    }
    for (const cursor of [
      'garbage',
      Buffer.from('[1,"x","y"]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      const res = await t.get(`/v1/skills?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toEqual(['cursor']);
    }
    // Well-formed, but naming a key no list of this resource has (e.g. from the tenants list).
    const foreign = Buffer.from('[1,"2030-01-01 00:00:00.1+00","contoso"]').toString('base64url');
    const res = await t.get(`/v1/skills?cursor=${foreign}`);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['cursor']);
    const unknown = await t.get('/v1/skills?offset=10');
    expect(fieldsOf(unknown.body)).toEqual(['offset']);
  });
});
