import type { Directory, EmulatedApp, EmulatedTenant } from '../directory';
import { OAuthFailure } from './failure';

/**
 * The tenant path segment of every endpoint: a tenant id, one of its verified domains, or the
 * multi-tenant aliases `organizations` (any work or school account) and `common` (which also
 * admits personal accounts; there are none in the emulator, so it behaves like organizations).
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols#endpoints
 */
export type Authority =
  | { kind: 'tenant'; segment: string; tenant: EmulatedTenant }
  | { kind: 'common' | 'organizations'; segment: string };

export function resolveAuthority(directory: Directory, segment: string): Authority {
  const lower = segment.toLowerCase();
  if (lower === 'common' || lower === 'organizations') return { kind: lower, segment: lower };
  const tenant = directory.findTenant(segment);
  if (!tenant) throw unknownTenant(segment);
  return { kind: 'tenant', segment, tenant };
}

export const unknownTenant = (segment: string): OAuthFailure =>
  new OAuthFailure(
    400,
    'invalid_tenant',
    90002,
    `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  );

/** The v2.0 issuer of a tenant (id tokens, and access tokens for our own API). */
export const issuerOf = (baseUrl: string, tenantId: string): string =>
  `${baseUrl}/${tenantId}/v2.0`;

/** The v1.0 issuer, used by tokens for resources that accept v1 tokens, Microsoft Graph among them. */
export const v1IssuerOf = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;

/** Whether `app` has a service principal in `tenant`: its home tenant, or an admin consented. */
export function isInstalled(app: EmulatedApp, tenant: EmulatedTenant): boolean {
  return app.homeTenantId === tenant.id || (app.multiTenant && tenant.grants.has(app.clientId));
}

/**
 * The application as the tenant sees it, or the error Entra ID gives when it has none there:
 * AADSTS700016 for an unknown app or one not installed in the tenant (a single-tenant app used from
 * another tenant included), AADSTS50194 for a single-tenant app used through /common.
 * https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant
 */
export function appInAuthority(
  directory: Directory,
  clientId: string,
  authority: Authority,
): EmulatedApp {
  const app = directory.apps.get(clientId);
  const where = authority.kind === 'tenant' ? authority.tenant.domain : authority.segment;
  if (!app) throw appNotFound(clientId, where);
  if (authority.kind !== 'tenant') {
    if (!app.multiTenant) {
      throw new OAuthFailure(
        400,
        'invalid_request',
        50194,
        `Application '${app.clientId}'(${app.displayName}) is not configured as a multi-tenant application. Usage of the /${authority.segment} endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
      );
    }
    return app;
  }
  if (!isInstalled(app, authority.tenant)) throw appNotFound(clientId, authority.tenant.domain);
  return app;
}

export const appNotFound = (clientId: string, where: string): OAuthFailure =>
  new OAuthFailure(
    400,
    'unauthorized_client',
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${where}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  );
