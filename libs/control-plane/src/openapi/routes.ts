import {
  OpenAPIRegistry,
  type ResponseConfig,
  type RouteConfig,
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { ApiKeyScope } from '@ccx/security';
import { pageQuerySchema } from '../pagination/cursor';
import { PROBLEM_CONTENT_TYPE, problemKinds } from '../problem/problem';

export type RouteAccess =
  { kind: 'tenant'; scope: ApiKeyScope } | { kind: 'operator' } | { kind: 'public' };

/**
 * One documented route. Register every /v1 route with `registerRoute`; a test compares the
 * document with the routes Nest actually serves, so an undocumented route fails the build.
 */
export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI template, e.g. `/v1/sites/{id}`. */
  path: string;
  access: RouteAccess;
  operationId: string;
  summary: string;
  tag: string;
  description?: string;
  params?: z.ZodObject;
  /** Use `pageQuery` for lists. */
  query?: z.ZodObject;
  body?: z.ZodType;
  response: { status: 200 | 201 | 202 | 204; description: string; schema?: z.ZodType };
  /** POST that honours `Idempotency-Key` (every authenticated POST does). */
  idempotent?: boolean;
  /** Request headers to document (beyond Authorization and the idempotency header). */
  headers?: z.ZodObject;
  /** Problem statuses beyond the ones derived from the route's shape. */
  problems?: number[];
}

export const TENANT_SECURITY = 'tenantKey';
export const OPERATOR_SECURITY = 'operatorKey';
export const pageQuery = pageQuerySchema;

const fieldError = z.object({ field: z.string(), message: z.string() });
export const problemSchema = z
  .object({
    type: z.string().meta({ example: 'urn:ccx:problem:validation' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(fieldError).optional().meta({ description: 'One entry per offending field.' }),
  })
  .meta({ description: 'RFC 9457 problem details.' });

const idempotencyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      description:
        'Makes a retried POST harmless: the same key with the same body returns the stored ' +
        'response; with another body, 422. Kept 24 hours, per tenant.',
    }),
});

const statusText: Record<number, string> = {
  400: 'Invalid input (the `errors` name each field) or unreadable JSON',
  401: 'No API key, an unknown one, or a revoked one',
  403: 'The key lacks the scope the route needs, or is the wrong kind of key',
  404: 'No such object (objects of other tenants are never visible)',
  409: 'A unique value is taken, the object is in use, or the idempotency key is in use',
  413: 'The body is larger than 1 MiB',
  415: 'The body is not JSON',
  422: 'The idempotency key was used with a different request',
  500: 'Unexpected error',
  502: 'The service behind the route failed',
  503: 'The service behind the route did not answer (in time)',
};

function problemStatuses(route: ApiRoute): number[] {
  const out = new Set<number>([...(route.problems ?? [])]);
  if (route.access.kind !== 'public') [401, 403].forEach((s) => out.add(s));
  if (route.body) [400, 413, 415].forEach((s) => out.add(s));
  if (route.query || route.params) out.add(400);
  if (route.path.includes('{')) out.add(404);
  if (route.method === 'post' && route.idempotent) [409, 422].forEach((s) => out.add(s));
  return [...out].sort((a, b) => a - b);
}

export function registerCommonComponents(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', TENANT_SECURITY, {
    type: 'http',
    scheme: 'bearer',
    description:
      "A tenant's API key (`ccx_<tenant>_...`). The key alone decides the tenant; the " +
      'requirement lists the scope the route needs.',
  });
  registry.registerComponent('securitySchemes', OPERATOR_SECURITY, {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator key (ADMIN_API_KEY): tenant management only.',
  });
}

/**
 * Names a schema as a component (`#/components/schemas/<name>`). Uses zod's own metadata, so
 * it needs no patching of zod and works whatever the order modules load in.
 */
export const named = <S extends z.ZodType>(name: string, schema: S): S =>
  schema.meta({ id: name }) as S;

const problemRef = () => named('Problem', problemSchema);

export function registerRoute(registry: OpenAPIRegistry, route: ApiRoute): void {
  const responses: Record<string, ResponseConfig> = {
    [route.response.status]: {
      description: route.response.description,
      ...(route.response.schema
        ? { content: { 'application/json': { schema: route.response.schema } } }
        : {}),
    },
  };
  for (const status of problemStatuses(route)) {
    const kind = Object.values(problemKinds).find((k) => k.status === status);
    responses[status] = {
      description: statusText[status] ?? kind?.title ?? 'Problem',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: problemRef() } },
    };
  }
  const security =
    route.access.kind === 'tenant'
      ? [{ [TENANT_SECURITY]: [route.access.scope] }]
      : route.access.kind === 'operator'
        ? [{ [OPERATOR_SECURITY]: [] }]
        : [];
  const config: RouteConfig = {
    method: route.method,
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    security,
    ...(route.description ? { description: route.description } : {}),
    request: {
      ...(route.params ? { params: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.method === 'post' && route.idempotent
        ? { headers: idempotencyHeader }
        : route.headers
          ? { headers: route.headers }
          : {}),
      ...(route.body
        ? { body: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
    },
    responses,
  };
  registry.registerPath(config);
}

/** `{ items: [...], nextCursor }` around an item schema. */
export const pageOf = (item: z.ZodType) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });

export const idParams = z.object({ id: z.uuid().meta({ description: 'Object id.' }) });

export { OpenAPIRegistry };
