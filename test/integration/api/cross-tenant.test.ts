import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiDocument } from '../../../apps/api/src/openapi';
import { startTestApi, type TestApi } from '../../support/api';
import { backends } from '../../support/database';
import { clientFor, fieldsOf, type Client } from './support/client';
import {
  actionBodies as baseActionBodies,
  collections,
  parameterFixtures as baseParameterFixtures,
  queryRoutes as baseQueryRoutes,
  isSingletonRoute,
  seedTenant,
  singletonRoutes,
  type FixtureContext,
  type Refs,
} from './support/fixtures';
import {
  calculatorBodies,
  routingActionBodies,
  routingParameterFixtures,
  routingQueryRoutes,
} from './support/routing-fixtures';
import { startRoutingStub, type RoutingStub } from './support/routing-stub';
import { fillPath, operationsOf, type Operation } from './support/routes';
import { snapshot, API_TABLES } from './support/snapshot';

/**
 * Adversarial tenant-isolation suite. The routes come from the OpenAPI document (itself checked
 * against the routes Express serves, see openapi.test.ts), so every route added later is
 * attacked too, or this suite fails asking for a fixture.
 */
const ops = operationsOf(buildApiDocument());
const tenantOps = ops.filter((o) => o.access === 'tenant');
/** Tenant routes on collections of objects (singletons are attacked by their own test). */
const collectionOps = tenantOps.filter((o) => !isSingletonRoute(o.path));
const operatorOps = ops.filter((o) => o.access === 'operator');
const label = (o: Operation) => `${o.method.toUpperCase()} ${o.path}`;

// The runtime routes of the routing service are answered by a stub on the API's bus.
let stub: RoutingStub | undefined;
const routingStub = () => {
  if (!stub) throw new Error('the routing stub is not running');
  return stub;
};
const queryRoutes = { ...baseQueryRoutes, ...routingQueryRoutes };
const parameterFixtures = { ...baseParameterFixtures, ...routingParameterFixtures(routingStub) };
const actionBodies = { ...baseActionBodies, ...routingActionBodies };

/** The fixture collection a templated path belongs to, e.g. /v1/webhooks/{id}/deliveries. */
function collectionOf(path: string): string | undefined {
  return Object.keys(collections)
    .filter((c) => path === c || path.startsWith(`${c}/`))
    .sort((x, y) => y.length - x.length)[0];
}

/** Path parameters naming the given tenant's objects, or an error asking for a fixture. */
async function paramsFor(op: Operation, ctx: FixtureContext): Promise<Record<string, string>> {
  const fixture = parameterFixtures[op.path];
  if (fixture) return fixture(ctx);
  const collection = collectionOf(op.path);
  if (collection && op.path.startsWith(`${collection}/{id}`) && !/\{(?!id\})/.test(op.path)) {
    const id = ctx.objects[collection];
    if (id) return { id };
  }
  throw new Error(
    `no fixture for ${label(op)}: add it to test/integration/api/support/fixtures.ts`,
  );
}

const documentedCollections = collectionOps
  .filter((o) => !o.path.includes('{') && !queryRoutes[o.path] && !calculatorBodies[o.path])
  .map((o) => o.path);

const itemOps = collectionOps.filter((o) => o.path.includes('{'));
const listOps = collectionOps.filter(
  (o) => o.method === 'get' && !o.path.includes('{') && !queryRoutes[o.path],
);
const queryOps = collectionOps.filter((o) => o.method === 'get' && queryRoutes[o.path]);
const createOps = collectionOps.filter(
  (o) => o.method === 'post' && !o.path.includes('{') && !calculatorBodies[o.path],
);
const calculatorOps = collectionOps.filter((o) => o.method === 'post' && calculatorBodies[o.path]);
const patchOps = collectionOps.filter((o) => o.method === 'patch' && o.path.endsWith('/{id}'));

describe.each(backends)('cross-tenant isolation (%s)', (backend) => {
  let api: TestApi;
  let a: Client;
  let b: Client;
  let operator: Client;
  let mine: { refs: Refs; objects: Record<string, string> };
  let theirs: { refs: Refs; objects: Record<string, string> };
  let theirIds: Set<string>;
  /** For each templated tenant route: tenant B's parameter values, or why there are none. */
  const theirParams = new Map<string, Record<string, string> | Error>();
  let n = 100;

  const paramsOf = (op: Operation): Record<string, string> => {
    const params = theirParams.get(label(op));
    if (!params) throw new Error(`no parameters resolved for ${label(op)}`);
    if (params instanceof Error) throw params;
    return params;
  };

  beforeAll(async () => {
    api = await startTestApi(backend);
    a = clientFor(api, await api.createTenant('tenant-a'));
    b = clientFor(api, await api.createTenant('tenant-b'));
    operator = clientFor(api, api.adminKey);
    stub = await startRoutingStub(api.config.BUS_PREFIX);
    mine = await seedTenant(a, 1, documentedCollections);
    theirs = await seedTenant(b, 2, documentedCollections);
    const ctx = { objects: theirs.objects, tenantId: 'tenant-b', db: api.db };
    for (const op of itemOps) {
      theirParams.set(label(op), await paramsFor(op, ctx).catch((err: Error) => err));
    }
    theirIds = new Set<string>();
    for (const table of API_TABLES) {
      if (table === 'tenants' || table === 'idempotency_keys') continue;
      const { rows } = await api.db.pool.query<{ id: string }>(
        `select id from ${table} where tenant_id = 'tenant-b'`,
      );
      rows.forEach((r) => theirIds.add(r.id));
    }
  });
  afterAll(async () => {
    await stub?.close();
    stub = undefined;
    await api?.close();
  });

  /** Runs `attempt` and checks it changed nothing in the database. */
  async function unchanged<T>(attempt: () => Promise<T>): Promise<T> {
    const before = await snapshot(api.db);
    const result = await attempt();
    expect(await snapshot(api.db)).toEqual(before);
    return result;
  }

  function send(client: Client, op: Operation, path: string) {
    switch (op.method) {
      case 'get':
        return client.get(path);
      case 'delete':
        return client.delete(path);
      case 'patch':
        return client.patch(path, collections[collectionOf(op.path) ?? '']?.patch ?? {});
      case 'put':
        return client.put(path, actionBodies[label(op)] ?? {});
      default:
        return client.post(path, actionBodies[label(op)] ?? {});
    }
  }

  it('has a fixture for every tenant route of the document', () => {
    const uncovered = collectionOps.filter((op) =>
      op.path.includes('{')
        ? theirParams.get(label(op)) instanceof Error
        : !collections[op.path] && !queryRoutes[op.path] && !calculatorBodies[op.path],
    );
    expect(uncovered.map(label)).toEqual([]);
    expect(itemOps.length).toBeGreaterThanOrEqual(21);
  });

  it.each(itemOps.map((op) => [label(op), op] as const))(
    "%s with tenant B's id answers 404 to tenant A and changes nothing",
    async (_name, op) => {
      const path = fillPath(op.path, paramsOf(op));
      const res = await unchanged(() => send(a, op, path));
      expect(res.status, res.text).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (op.method === 'get') {
        // The id is real: its owner reads it.
        expect((await send(b, op, path)).status).toBe(200);
      }
    },
  );

  it.each(listOps.map((op) => [label(op), op] as const))(
    "%s never lists tenant B's objects",
    async (_name, op) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await a.get(`${op.path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status, res.text).toBe(200);
        const page = res.body as { items: { id: string }[]; nextCursor: string | null };
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((id) => theirIds.has(id))).toEqual([]);
      const named = await a.get(`${op.path}?tenantId=tenant-b`);
      expect(named.status).toBe(400);
      expect(fieldsOf(named.body)).toContain('tenantId');
    },
  );

  it.each(queryOps.map((op) => [label(op), op] as const))(
    "%s refuses a query naming tenant B's objects (400 naming the field)",
    async (_name, op) => {
      const fixture = queryRoutes[op.path];
      if (!fixture) throw new Error(`no fixture for ${op.path}`);
      const own = await a.get(op.path).query(fixture.query(mine.refs));
      expect(own.status, own.text).toBe(200);
      for (const attempt of fixture.foreign(theirs.refs)) {
        const res = await a.get(op.path).query(attempt.query);
        expect(res.status, res.text).toBe(400);
        expect(fieldsOf(res.body)).toEqual([attempt.field]);
      }
    },
  );

  it.each(createOps.map((op) => [label(op), op] as const))(
    '%s refuses a tenantId in the body and references to tenant B',
    async (_name, op) => {
      const fixture = collections[op.path];
      if (!fixture) throw new Error(`no fixture for ${op.path}`);
      const withTenant = await unchanged(() =>
        a.post(op.path, { ...fixture.create(mine.refs, n++), tenantId: 'tenant-b' }),
      );
      expect(withTenant.status).toBe(400);
      expect(fieldsOf(withTenant.body)).toContain('tenantId');
      for (const attempt of fixture.foreignCreate?.(mine.refs, theirs.refs, n++) ?? []) {
        const res = await unchanged(() => a.post(op.path, attempt.body));
        expect(res.status, res.text).toBe(400);
        expect(fieldsOf(res.body)).toEqual([attempt.field]);
      }
    },
  );

  it.each(calculatorOps.map((op) => [label(op), op] as const))(
    '%s refuses a tenantId in the body',
    async (_name, op) => {
      const body = calculatorBodies[op.path] ?? {};
      expect((await a.post(op.path, body)).status).toBe(200);
      const withTenant = await unchanged(() => a.post(op.path, { ...body, tenantId: 'tenant-b' }));
      expect(withTenant.status).toBe(400);
      expect(fieldsOf(withTenant.body)).toContain('tenantId');
    },
  );

  it.each(patchOps.map((op) => [label(op), op] as const))(
    "%s on tenant A's own object refuses references to tenant B and a tenantId",
    async (_name, op) => {
      const collection = collectionOf(op.path) ?? '';
      const fixture = collections[collection];
      const path = fillPath(op.path, { id: mine.objects[collection] ?? '' });
      const withTenant = await unchanged(() => a.patch(path, { tenantId: 'tenant-b' }));
      expect(withTenant.status).toBe(400);
      expect(fieldsOf(withTenant.body)).toContain('tenantId');
      for (const attempt of fixture?.foreignPatch?.(theirs.refs) ?? []) {
        const res = await unchanged(() => a.patch(path, attempt.body));
        expect(res.status, res.text).toBe(400);
        expect(fieldsOf(res.body)).toEqual([attempt.field]);
      }
    },
  );

  it.each(operatorOps.map((op) => [label(op), op] as const))(
    '%s is refused to tenant keys (403) and to anonymous callers (401)',
    async (_name, op) => {
      const path = fillPath(op.path, { tenantId: 'tenant-b' });
      const body = op.method === 'post' ? { id: 'evil-tenant', name: 'Evil' } : { name: 'Hacked' };
      const asTenant = await unchanged(() =>
        op.method === 'get'
          ? a.get(path)
          : op.method === 'delete'
            ? a.delete(path)
            : op.method === 'patch'
              ? a.patch(path, body)
              : a.post(path, path.endsWith('api-keys') ? { name: 'stolen' } : body),
      );
      expect(asTenant.status, asTenant.text).toBe(403);
      const anonymous = await unchanged(() => api.http()[op.method](path));
      expect(anonymous.status).toBe(401);
    },
  );

  it.each(Object.entries(singletonRoutes))(
    "%s: tenant A reads, replaces and deletes only its own, never tenant B's",
    async (path, fixture) => {
      const theirs = fixture.put(2);
      expect((await b.put(path, theirs)).status).toBe(200);
      const mineBody = fixture.put(1);
      expect((await a.put(path, mineBody)).status).toBe(200);
      const got = await a.get(path);
      expect(got.status).toBe(200);
      expect(JSON.stringify(got.body)).not.toContain(String(theirs['entraTenantId']));
      const withTenant = await unchanged(() => a.put(path, { ...mineBody, tenantId: 'tenant-b' }));
      expect(withTenant.status).toBe(400);
      expect(fieldsOf(withTenant.body)).toContain('tenantId');
      expect((await a.delete(path)).status).toBe(204);
      expect((await a.get(path)).status).toBe(404);
      const still = await b.get(path);
      expect(still.status).toBe(200);
      expect(still.body).toMatchObject({ entraTenantId: theirs['entraTenantId'] });
    },
  );

  it('refuses the operator key on every tenant route', async () => {
    for (const op of tenantOps) {
      const path = op.path.includes('{') ? fillPath(op.path, paramsOf(op)) : op.path;
      const res = await unchanged(() =>
        op.method === 'post' && !op.path.includes('{')
          ? operator.post(path, collections[op.path]?.create(theirs.refs, n++) ?? {})
          : send(operator, op, path),
      );
      expect(res.status, `${label(op)}: ${res.text}`).toBe(403);
    }
  });
});
