import type { Directory, EmulatedApp, EmulatedTenant } from '../directory';
import { OAuthFailure } from './failure';
import type { ScopeRequest } from './scopes';

/**
 * What a tenant's admin consent gives an app for one resource. The directory keeps granted names
 * without their resource; a name belongs to our own API when that app exposes it (delegated) or
 * defines it as an app role (application), and to Microsoft Graph otherwise.
 * https://learn.microsoft.com/entra/identity-platform/permissions-consent-overview
 */
export function delegatedScopes(
  directory: Directory,
  tenant: EmulatedTenant,
  client: EmulatedApp,
  request: ScopeRequest,
): string[] {
  const granted = [...(tenant.grants.get(client.clientId)?.delegatedScopes ?? [])];
  const forResource = granted.filter((name) => belongs(directory, request, name, 'delegated'));
  if (request.isDefault) {
    if (forResource.length === 0) throw noConsent(client, tenant);
    return forResource;
  }
  const missing = request.permissions.filter((p) => !forResource.includes(p));
  if (missing.length > 0) throw noConsent(client, tenant);
  return request.permissions;
}

/** Application permissions (app-only `roles`); Entra omits the claim when none was granted. */
export function applicationRoles(
  directory: Directory,
  tenant: EmulatedTenant,
  client: EmulatedApp,
  request: ScopeRequest,
): string[] {
  const granted = [...(tenant.grants.get(client.clientId)?.applicationPermissions ?? [])];
  return granted.filter((name) => belongs(directory, request, name, 'application'));
}

function belongs(
  directory: Directory,
  request: ScopeRequest,
  name: string,
  kind: 'delegated' | 'application',
): boolean {
  const definedBy = (app: EmulatedApp) =>
    kind === 'delegated' ? app.exposedScopes.includes(name) : app.appRoles.includes(name);
  if (request.resource.kind === 'app') return definedBy(request.resource.app);
  for (const app of directory.apps.values()) if (definedBy(app)) return false;
  return true;
}

/** AADSTS65001 with the `consent_required` suberror, as the OBO and code flows return it. */
export const noConsent = (client: EmulatedApp, tenant: EmulatedTenant): OAuthFailure =>
  new OAuthFailure(
    400,
    'invalid_grant',
    65001,
    `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.displayName}' in tenant '${tenant.domain}'. Send an interactive authorization request for this user and resource.`,
    'consent_required',
  );
