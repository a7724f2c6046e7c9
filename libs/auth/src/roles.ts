import { apiKeyScopes, type ApiKeyScope } from '@ccx/security';

/**
 * App roles of our app registration (`roles` claim of a user's token for our API), as an admin of
 * the customer's tenant assigns them in Entra ID (Enterprise applications → Users and groups).
 */
export const entraRoles = ['admin', 'supervisor', 'agent'] as const;
export type EntraRole = (typeof entraRoles)[number];

/**
 * What each role may do, in API-key scopes (docs/identity.md):
 * - admin: everything a tenant API key with every scope can do;
 * - supervisor: read everything (configuration and events), plus the agent-state and queue routes
 *   listed in `supervisorRoutes`;
 * - agent: no scope; only its own agent (read it, read and change its state), see `agentSelfRoutes`.
 */
const roleScopes: Record<EntraRole, readonly ApiKeyScope[]> = {
  admin: apiKeyScopes,
  supervisor: ['config:read', 'events:read'],
  agent: [],
};

/** Known roles among a token's `roles` claim (others are ignored), in a stable order. */
export function knownRoles(claim: unknown): EntraRole[] {
  if (!Array.isArray(claim)) return [];
  return entraRoles.filter((role) => claim.includes(role));
}

/** The union of the roles' scopes. */
export function scopesOfRoles(roles: readonly EntraRole[]): ApiKeyScope[] {
  const scopes = new Set<ApiKeyScope>();
  for (const role of roles) for (const scope of roleScopes[role]) scopes.add(scope);
  return apiKeyScopes.filter((s) => scopes.has(s));
}

/** A route (Express pattern) a role may use beyond its scopes. */
export interface RoleRoute {
  method: string;
  path: string;
}

/** Supervisors manage agents' states and queues (and read everything through config:read). */
export const supervisorRoutes: readonly RoleRoute[] = [
  { method: 'PUT', path: '/v1/agents/:id/state' },
  { method: 'PATCH', path: '/v1/queues/:id' },
];

/** An agent reaches only its own agent (`:id` must be the agent whose upn or Teams id it is). */
export const agentSelfRoutes: readonly RoleRoute[] = [
  { method: 'GET', path: '/v1/agents/:id' },
  { method: 'GET', path: '/v1/agents/:id/status' },
  { method: 'PUT', path: '/v1/agents/:id/state' },
];

export const routeMatches = (routes: readonly RoleRoute[], method: string, path: string) =>
  routes.some((r) => r.method === method.toUpperCase() && r.path === path);
