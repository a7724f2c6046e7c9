import { expect } from 'vitest';
import type { TestDatabase } from '../../../support/database';
import type { Client } from './client';

/**
 * Valid request bodies for every tenant collection of the API. The cross-tenant suite walks the
 * OpenAPI document and FAILS for a tenant route whose collection has no entry here, so a new
 * resource cannot ship without being attacked. To cover a new collection, add it below (and,
 * if it has routes with parameters other than `{id}`, an entry in `parameterFixtures`).
 */
export interface Refs {
  siteId: string;
  trunkId: string;
  skillId: string;
  queueId: string;
}

export type Body = Record<string, unknown>;
export interface ForeignRef {
  body: Body;
  /** The field the API must name when it refuses the body. */
  field: string;
}

export interface CollectionFixture {
  /** A valid body using the tenant's own objects; `n` makes names and numbers unique. */
  create(refs: Refs, n: number): Body;
  /** A valid partial update. */
  patch: Body;
  /** POST bodies pointing at another tenant's objects. */
  foreignCreate?(own: Refs, foreign: Refs, n: number): ForeignRef[];
  /** PATCH bodies pointing at another tenant's objects. */
  foreignPatch?(foreign: Refs): ForeignRef[];
}

const numbers = (n: number) => ({
  firstNumber: `+4930${String(100 + n).padStart(4, '0')}00`,
  lastNumber: `+4930${String(100 + n).padStart(4, '0')}99`,
});

/** The smallest flow: callers wait in one queue. */
const queueFlow = (queueId: string) => ({
  start: 'wait',
  nodes: { wait: { kind: 'queue', queueId } },
});

export const collections: Record<string, CollectionFixture> = {
  '/v1/sites': {
    create: (_r, n) => ({ name: `site ${n}`, kind: 'branch', country: 'FR' }),
    patch: { name: 'renamed site' },
  },
  '/v1/trunks': {
    create: (r, n) => ({
      name: `trunk ${n}`,
      kind: 'itsp',
      siteId: r.siteId,
      host: 'sip.example.net',
      port: 5060,
      transport: 'udp',
      maxChannels: 10,
      codecs: ['PCMA'],
    }),
    patch: { maxChannels: 20 },
    foreignCreate: (own, foreign, n) => [
      {
        body: { ...collections['/v1/trunks']!.create(own, n), siteId: foreign.siteId },
        field: 'siteId',
      },
    ],
    foreignPatch: (foreign) => [{ body: { siteId: foreign.siteId }, field: 'siteId' }],
  },
  '/v1/number-ranges': {
    create: (r, n) => ({ ...numbers(n), trunkId: r.trunkId, siteId: r.siteId, purpose: 'did' }),
    patch: { purpose: 'caller-id' },
    foreignCreate: (own, foreign, n) => [
      { body: { ...numbers(n), trunkId: foreign.trunkId }, field: 'trunkId' },
      { body: { ...numbers(n), siteId: foreign.siteId, trunkId: own.trunkId }, field: 'siteId' },
    ],
    foreignPatch: (foreign) => [
      { body: { trunkId: foreign.trunkId }, field: 'trunkId' },
      { body: { siteId: foreign.siteId }, field: 'siteId' },
    ],
  },
  '/v1/skills': {
    create: (_r, n) => ({ name: `skill ${n}`, description: 'test skill' }),
    patch: { description: 'changed' },
  },
  '/v1/queues': {
    create: (r, n) => ({
      name: `queue ${n}`,
      method: 'longest-idle',
      requiredSkills: [{ skillId: r.skillId, minLevel: 2 }],
      maxWaitSeconds: 60,
      overflow: { kind: 'queue', target: r.queueId },
    }),
    patch: { maxWaitSeconds: 90 },
    foreignCreate: (own, foreign, n) => [
      {
        body: {
          name: `q ${n}`,
          method: 'round-robin',
          maxWaitSeconds: 5,
          requiredSkills: [
            { skillId: own.skillId, minLevel: 1 },
            { skillId: foreign.skillId, minLevel: 1 },
          ],
        },
        field: 'requiredSkills.1.skillId',
      },
      {
        body: {
          name: `q ${n}`,
          method: 'round-robin',
          maxWaitSeconds: 5,
          overflow: { kind: 'queue', target: foreign.queueId },
        },
        field: 'overflow.target',
      },
    ],
    foreignPatch: (foreign) => [
      { body: { overflow: { kind: 'queue', target: foreign.queueId } }, field: 'overflow.target' },
      {
        body: { requiredSkills: [{ skillId: foreign.skillId, minLevel: 1 }] },
        field: 'requiredSkills.0.skillId',
      },
    ],
  },
  '/v1/agents': {
    create: (r, n) => ({
      displayName: `Agent ${n}`,
      upn: `agent${n}@example.com`,
      skills: [{ skillId: r.skillId, level: 5 }],
      capacity: { voice: 1, chat: 2 },
      optOutQueues: [r.queueId],
    }),
    patch: { capacity: { voice: 0, chat: 3 } },
    foreignCreate: (_own, foreign, n) => [
      {
        body: {
          displayName: `A ${n}`,
          upn: `x${n}@example.com`,
          skills: [{ skillId: foreign.skillId, level: 1 }],
        },
        field: 'skills.0.skillId',
      },
    ],
    foreignPatch: (foreign) => [
      { body: { skills: [{ skillId: foreign.skillId, level: 3 }] }, field: 'skills.0.skillId' },
    ],
  },
  '/v1/flows': {
    create: (r, n) => ({ name: `flow ${n}`, definition: queueFlow(r.queueId) }),
    patch: { name: 'renamed flow' },
    foreignCreate: (_own, foreign, n) => [
      {
        body: { name: `f ${n}`, definition: queueFlow(foreign.queueId) },
        field: 'definition.nodes.wait.queueId',
      },
    ],
    foreignPatch: (foreign) => [
      { body: { definition: queueFlow(foreign.queueId) }, field: 'definition.nodes.wait.queueId' },
    ],
  },
  '/v1/experts': {
    create: (_r, n) => ({
      displayName: `Expert ${n}`,
      userId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      phoneNumber: `+4930555${String(n).padStart(4, '0')}`,
      topics: ['billing'],
    }),
    patch: { topics: ['billing', 'tax-law'] },
  },
  '/v1/api-keys': {
    create: (_r, n) => ({ name: `key ${n}`, scopes: ['config:read'] }),
    patch: { name: 'renamed key' },
  },
  // startTestApi allows private webhook targets; nothing listens there.
  '/v1/webhooks': {
    create: (_r, n) => ({ url: `http://127.0.0.1:9/hook-${n}`, eventTypes: ['config.changed'] }),
    patch: { description: 'changed' },
  },
};

export interface FixtureContext {
  /** One object id per collection of the tenant (see seedTenant). */
  objects: Record<string, string>;
  tenantId: string;
  db: TestDatabase;
}

/**
 * Routes with a path parameter other than the `{id}` right after a collection: for each, the
 * values naming objects of the given tenant (create them here if the API cannot).
 */
export const parameterFixtures: Record<
  string,
  (ctx: FixtureContext) => Promise<Record<string, string>>
> = {
  '/v1/webhooks/{id}/deliveries/{deliveryId}': webhookDelivery,
  '/v1/webhooks/{id}/deliveries/{deliveryId}/replay': webhookDelivery,
};

/** A delivery row of the tenant's webhook (deliveries are made by the dispatcher, not the API). */
async function webhookDelivery(ctx: FixtureContext): Promise<Record<string, string>> {
  const id = ctx.objects['/v1/webhooks'];
  if (!id) throw new Error('the tenant has no webhook');
  const { rows } = await ctx.db.pool.query<{ id: string }>(
    `insert into webhook_deliveries (tenant_id, subscription_id, event_id, event_name, payload, status)
     values ($1, $2, gen_random_uuid(), 'config.changed', '{}'::jsonb, 'failed') returning id`,
    [ctx.tenantId, id],
  );
  return { id, deliveryId: rows[0]?.id ?? '' };
}

/**
 * Tenant GET routes that are calculators, not collections: a valid query, and queries naming
 * another tenant's objects (the API must refuse them with 400 naming the field, never answer).
 */
export interface QueryRouteFixture {
  query(own: Refs): Record<string, string>;
  foreign(theirs: Refs): { query: Record<string, string>; field: string }[];
}

export const queryRoutes: Record<string, QueryRouteFixture> = {
  '/v1/bandwidth': {
    query: (own) => ({ codec: 'PCMA', trunkId: own.trunkId }),
    foreign: (theirs) => [{ query: { trunkId: theirs.trunkId }, field: 'trunkId' }],
  },
};

/**
 * Tenant routes on a singleton of the caller's tenant (no id in the path: the row is chosen by
 * the caller's tenant alone), with the PUT body that creates it. The cross-tenant suite checks
 * that tenant A never reads, changes or deletes tenant B's, and leaves these out of the
 * collection checks.
 */
export const singletonRoutes: Record<string, { put(n: number): Body }> = {
  '/v1/m365/connection': {
    put: (n) => ({
      entraTenantId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      clientId: `11111111-0000-4000-8000-${String(n).padStart(12, '0')}`,
      credential: { kind: 'secret', secret: `client-secret-value-${n}` },
    }),
  },
};

export const isSingletonRoute = (path: string): boolean =>
  Object.keys(singletonRoutes).some((s) => path === s || path.startsWith(`${s}/`));

/** Bodies for POST routes on an object (actions such as replay); default `{}`. */
export const actionBodies: Record<string, Body> = {};

/**
 * Creates the tenant's base objects (site, trunk, skill, queue) and one object per collection
 * (of `only`, when given: the collections the API serves).
 */
export async function seedTenant(
  client: Client,
  offset: number,
  only?: readonly string[],
): Promise<{ refs: Refs; objects: Record<string, string> }> {
  const made = async (path: string, body: Body) => {
    const res = await client.post(path, body);
    expect(res.status, `${path}: ${res.text}`).toBe(201);
    return (res.body as { id: string }).id;
  };
  const siteId = await made('/v1/sites', { name: 'base site', kind: 'central', country: 'DE' });
  const trunkId = await made('/v1/trunks', {
    name: 'base trunk',
    kind: 'teams',
    siteId,
    host: 'sip.pstnhub.microsoft.com',
    port: 5061,
    transport: 'tls',
    maxChannels: 100,
  });
  const skillId = await made('/v1/skills', { name: 'base skill' });
  const queueId = await made('/v1/queues', {
    name: 'base queue',
    method: 'most-proficient',
    requiredSkills: [{ skillId, minLevel: 1 }],
    maxWaitSeconds: 30,
  });
  const refs = { siteId, trunkId, skillId, queueId };
  const objects: Record<string, string> = {};
  for (const [path, fixture] of Object.entries(collections)) {
    if (only && !only.includes(path)) continue;
    objects[path] = await made(path, fixture.create(refs, offset));
  }
  return { refs, objects };
}
