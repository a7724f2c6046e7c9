import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  apiKeyCreateSchema,
  apiKeyCreatedSchema,
  apiKeyPatchSchema,
  apiKeySchema,
} from '../api-keys/api-key.schemas';
import { bandwidthQuerySchema, bandwidthSchema } from '../bandwidth/bandwidth';
import { tenantResources } from '../resources';
import { tenantCreateSchema, tenantPatchSchema, tenantSchema } from '../tenants/tenant.schemas';
import {
  idParams,
  named,
  OpenAPIRegistry,
  pageOf,
  pageQuery,
  registerCommonComponents,
  registerRoute,
} from './routes';
import { registerM365 } from '../m365/m365.openapi';
import { registerRouting } from './routing-routes';

export type OpenApiContribution = (registry: OpenAPIRegistry) => void;

const tenantParams = z.object({ tenantId: z.string().meta({ description: 'Tenant id (slug).' }) });

function registerResources(registry: OpenAPIRegistry): void {
  for (const def of tenantResources) {
    const item = named(def.schemaName, def.output);
    const create = named(`${def.schemaName}Create`, def.create);
    const patch = named(`${def.schemaName}Patch`, def.patch);
    const base = `/v1/${def.path}`;
    const op = def.schemaName;
    const read = { kind: 'tenant', scope: 'config:read' } as const;
    const write = { kind: 'tenant', scope: 'config:write' } as const;
    const common = { tag: def.tag };
    registerRoute(registry, {
      ...common,
      method: 'get',
      path: base,
      access: read,
      operationId: `list${op}s`,
      summary: `List ${def.singular}s`,
      query: pageQuery,
      response: { status: 200, description: 'One page', schema: pageOf(item) },
    });
    registerRoute(registry, {
      ...common,
      method: 'post',
      path: base,
      access: write,
      operationId: `create${op}`,
      summary: `Create a ${def.singular}`,
      body: create,
      idempotent: true,
      problems: [409],
      response: { status: 201, description: 'Created', schema: item },
    });
    registerRoute(registry, {
      ...common,
      method: 'get',
      path: `${base}/{id}`,
      access: read,
      operationId: `get${op}`,
      summary: `Get a ${def.singular}`,
      params: idParams,
      response: { status: 200, description: 'The object', schema: item },
    });
    registerRoute(registry, {
      ...common,
      method: 'patch',
      path: `${base}/{id}`,
      access: write,
      operationId: `update${op}`,
      summary: `Change fields of a ${def.singular}`,
      params: idParams,
      body: patch,
      problems: [409],
      response: { status: 200, description: 'The changed object', schema: item },
    });
    registerRoute(registry, {
      ...common,
      method: 'delete',
      path: `${base}/{id}`,
      access: write,
      operationId: `delete${op}`,
      summary: `Delete a ${def.singular}`,
      params: idParams,
      problems: [409],
      response: { status: 204, description: 'Deleted' },
    });
  }
}

function registerTenants(registry: OpenAPIRegistry): void {
  const tenant = named('Tenant', tenantSchema);
  const create = named('TenantCreate', tenantCreateSchema);
  const patch = named('TenantPatch', tenantPatchSchema);
  const access = { kind: 'operator' } as const;
  const tag = 'Tenants (operator)';
  const keyed = tenantParams;
  registerRoute(registry, {
    method: 'get',
    path: '/v1/tenants',
    access,
    tag,
    operationId: 'listTenants',
    summary: 'List tenants',
    query: pageQuery,
    response: { status: 200, description: 'One page', schema: pageOf(tenant) },
  });
  registerRoute(registry, {
    method: 'post',
    path: '/v1/tenants',
    access,
    tag,
    operationId: 'createTenant',
    summary: 'Create a tenant',
    body: create,
    idempotent: true,
    problems: [409],
    response: { status: 201, description: 'Created', schema: tenant },
  });
  for (const [method, operationId, summary] of [
    ['get', 'getTenant', 'Get a tenant'],
    ['patch', 'updateTenant', 'Rename, suspend or reactivate a tenant'],
    ['delete', 'deleteTenant', 'Delete a tenant and everything it owns'],
  ] as const) {
    registerRoute(registry, {
      method,
      path: '/v1/tenants/{tenantId}',
      access,
      tag,
      operationId,
      summary,
      params: keyed,
      ...(method === 'patch' ? { body: patch } : {}),
      response:
        method === 'delete'
          ? { status: 204, description: 'Deleted' }
          : { status: 200, description: 'The tenant', schema: tenant },
    });
  }
  registerRoute(registry, {
    method: 'post',
    path: '/v1/tenants/{tenantId}/api-keys',
    access,
    tag,
    operationId: 'issueTenantApiKey',
    summary: "Issue an API key for a tenant (e.g. the tenant's first key)",
    params: keyed,
    body: named('ApiKeyCreate', apiKeyCreateSchema),
    idempotent: true,
    response: {
      status: 201,
      description: 'The key, shown this once',
      schema: named('ApiKeyCreated', apiKeyCreatedSchema),
    },
  });
}

function registerApiKeys(registry: OpenAPIRegistry): void {
  const key = named('ApiKey', apiKeySchema);
  const access = { kind: 'tenant', scope: 'keys:manage' } as const;
  const tag = 'API keys';
  registerRoute(registry, {
    method: 'get',
    path: '/v1/api-keys',
    access,
    tag,
    operationId: 'listApiKeys',
    summary: "List the tenant's API keys (revoked ones included)",
    query: pageQuery,
    response: { status: 200, description: 'One page', schema: pageOf(key) },
  });
  registerRoute(registry, {
    method: 'post',
    path: '/v1/api-keys',
    access,
    tag,
    operationId: 'createApiKey',
    summary: 'Create an API key (with at most the scopes of the calling key)',
    body: apiKeyCreateSchema,
    idempotent: true,
    response: { status: 201, description: 'The key, shown this once', schema: apiKeyCreatedSchema },
  });
  registerRoute(registry, {
    method: 'get',
    path: '/v1/api-keys/{id}',
    access,
    tag,
    operationId: 'getApiKey',
    summary: 'Get an API key (never the key itself)',
    params: idParams,
    response: { status: 200, description: 'The key', schema: key },
  });
  registerRoute(registry, {
    method: 'patch',
    path: '/v1/api-keys/{id}',
    access,
    tag,
    operationId: 'renameApiKey',
    summary: 'Rename an API key',
    params: idParams,
    body: named('ApiKeyPatch', apiKeyPatchSchema),
    response: { status: 200, description: 'The key', schema: key },
  });
  registerRoute(registry, {
    method: 'delete',
    path: '/v1/api-keys/{id}',
    access,
    tag,
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key (it is refused from now on)',
    params: idParams,
    response: { status: 204, description: 'Revoked' },
  });
}

function registerBandwidth(registry: OpenAPIRegistry): void {
  registerRoute(registry, {
    method: 'get',
    path: '/v1/bandwidth',
    access: { kind: 'tenant', scope: 'config:read' },
    tag: 'Bandwidth',
    operationId: 'getBandwidth',
    summary: 'G.711 bandwidth per call and per trunk, as admission control counts it',
    description:
      'Payload plus RTP/UDP/IP headers (plus SRTP tag and link bytes) at the ptime, one ' +
      'direction. With `trunkId` or `channels`, also the total for that many concurrent calls.',
    query: bandwidthQuerySchema,
    response: {
      status: 200,
      description: 'The figures',
      schema: named('Bandwidth', bandwidthSchema),
    },
  });
}

/** The control plane's own routes; feature modules (webhooks) add theirs as contributions. */
export const controlPlaneOpenApi: OpenApiContribution = (registry) => {
  registerTenants(registry);
  registerApiKeys(registry);
  registerResources(registry);
  registerBandwidth(registry);
  registerRouting(registry);
  registerM365(registry);
};

export type ApiDocumentInfo = Parameters<OpenApiGeneratorV31['generateDocument']>[0]['info'];

/** The OpenAPI 3.1 document of the API, from the same zod schemas that validate requests. */
export function buildOpenApiDocument(
  contributions: readonly OpenApiContribution[],
  info: ApiDocumentInfo,
): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registerCommonComponents(registry);
  for (const contribute of contributions) contribute(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info,
  });
}
