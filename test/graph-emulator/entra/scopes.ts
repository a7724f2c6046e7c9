import type { Directory, EmulatedApp } from '../directory';
import { OAuthFailure } from './failure';

/**
 * The `scope` parameter of the v2.0 endpoints: OpenID Connect scopes plus the permissions of one
 * resource, each written `<resource>/<permission>` (a bare name means Microsoft Graph), or
 * `<resource>/.default` for everything consented.
 * https://learn.microsoft.com/entra/identity-platform/scopes-oidc
 */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
const OIDC = new Set(['openid', 'profile', 'email', 'offline_access']);

export type Resource = { kind: 'graph' } | { kind: 'app'; app: EmulatedApp };

export interface ScopeRequest {
  /** openid, profile, email, offline_access as requested. */
  oidc: Set<string>;
  resource: Resource;
  /** Permission names without the resource prefix; empty for `.default` or an OIDC-only request. */
  permissions: string[];
  isDefault: boolean;
}

export function parseScopes(raw: string, directory: Directory): ScopeRequest {
  const oidc = new Set<string>();
  const byResource = new Map<string, { resource: Resource; names: string[] }>();
  for (const scope of raw.split(/\s+/).filter(Boolean)) {
    if (OIDC.has(scope.toLowerCase())) {
      oidc.add(scope.toLowerCase());
      continue;
    }
    const slash = scope.lastIndexOf('/');
    const prefix = slash < 0 ? GRAPH_RESOURCE : scope.slice(0, slash);
    const name = slash < 0 ? scope : scope.slice(slash + 1);
    const resource = resourceNamed(prefix, directory);
    const key = resource.kind === 'graph' ? 'graph' : resource.app.clientId;
    const entry = byResource.get(key) ?? { resource, names: [] };
    entry.names.push(name);
    byResource.set(key, entry);
  }
  if (byResource.size > 1) {
    throw new OAuthFailure(
      400,
      'invalid_scope',
      700022,
      `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${raw} is not valid.`,
    );
  }
  const entry = [...byResource.values()][0] ?? { resource: { kind: 'graph' } as const, names: [] };
  const isDefault = entry.names.some((n) => n.toLowerCase() === '.default');
  if (isDefault && entry.names.length > 1) {
    throw invalidScope(
      raw,
      'The .default scope cannot be combined with other scopes of the resource.',
    );
  }
  if (entry.resource.kind === 'app' && !isDefault) {
    const exposed = entry.resource.app.exposedScopes;
    const unknown = entry.names.filter((n) => !exposed.includes(n));
    if (unknown.length > 0) throw invalidScope(raw, `Unknown scope(s): ${unknown.join(' ')}.`);
  }
  return { oidc, resource: entry.resource, permissions: isDefault ? [] : entry.names, isDefault };
}

/** The identifier a resource is named by in tokens' `aud` and in the response's `scope`. */
export function resourcePrefix(resource: Resource): string {
  if (resource.kind === 'graph') return GRAPH_RESOURCE;
  return resource.app.identifierUri ?? resource.app.clientId;
}

export const invalidScope = (raw: string, why: string): OAuthFailure =>
  new OAuthFailure(
    400,
    'invalid_scope',
    70011,
    `The provided value for the input parameter 'scope' is not valid. The scope '${raw}' is not valid. ${why}`,
  );

function resourceNamed(prefix: string, directory: Directory): Resource {
  const lower = prefix.replace(/\/+$/, '').toLowerCase();
  if (lower === GRAPH_RESOURCE || lower === GRAPH_APP_ID) return { kind: 'graph' };
  for (const app of directory.apps.values()) {
    if (app.clientId.toLowerCase() === lower || app.identifierUri?.toLowerCase() === lower) {
      return { kind: 'app', app };
    }
  }
  throw new OAuthFailure(
    400,
    'invalid_resource',
    500011,
    `The resource principal named ${prefix} was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );
}
