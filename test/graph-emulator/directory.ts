import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * The emulated Entra ID directory: tenants, their users, app registrations (which live in one
 * home tenant and may be multi-tenant) and what each tenant granted them (admin consent:
 * application permissions and delegated scopes; app role assignments of users).
 */
export interface EmulatedUser {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  /** What the emulated sign-in page accepts (ROPC is not offered). */
  password: string;
}

export interface EmulatedApp {
  /** The application (client) id; also the sessionId of its setPresence sessions. */
  clientId: string;
  displayName: string;
  homeTenantId: string;
  multiTenant: boolean;
  /** Client secrets (values as the portal shows them once). */
  secrets: string[];
  /** Certificate credentials: x5t (base64url SHA-1 thumbprint) -> public key. */
  certificates: Map<string, KeyObject>;
  redirectUris: string[];
  /** Application ID URI, e.g. api://ccx.example/<clientId>, the audience of tokens for our API. */
  identifierUri?: string;
  /** Delegated scopes our API exposes (e.g. access_as_user). */
  exposedScopes: string[];
  /** App roles users can be assigned (e.g. admin, supervisor, agent). */
  appRoles: string[];
}

export interface TenantGrant {
  /** Application permissions an admin consented to, e.g. Presence.Read.All. */
  applicationPermissions: Set<string>;
  /** Delegated scopes consented for all users, e.g. Presence.Read.All, Presence.ReadWrite. */
  delegatedScopes: Set<string>;
}

export interface EmulatedTenant {
  id: string;
  domain: string;
  users: Map<string, EmulatedUser>;
  /** clientId -> what this tenant granted the app (admin consent). */
  grants: Map<string, TenantGrant>;
  /** clientId -> userId -> app roles. */
  roleAssignments: Map<string, Map<string, Set<string>>>;
}

export class Directory {
  readonly tenants = new Map<string, EmulatedTenant>();
  readonly apps = new Map<string, EmulatedApp>();

  addTenant(domain: string, id: string = randomUUID()): EmulatedTenant {
    const tenant: EmulatedTenant = {
      id,
      domain,
      users: new Map(),
      grants: new Map(),
      roleAssignments: new Map(),
    };
    this.tenants.set(id, tenant);
    return tenant;
  }

  addUser(
    tenantId: string,
    user: { userPrincipalName: string; displayName?: string; password?: string; id?: string },
  ): EmulatedUser {
    const tenant = this.tenant(tenantId);
    const created: EmulatedUser = {
      id: user.id ?? randomUUID(),
      tenantId,
      userPrincipalName: user.userPrincipalName,
      displayName:
        user.displayName ?? user.userPrincipalName.split('@')[0] ?? user.userPrincipalName,
      password: user.password ?? 'Passw0rd!',
    };
    tenant.users.set(created.id, created);
    return created;
  }

  registerApp(
    app: Partial<Omit<EmulatedApp, 'homeTenantId'>> & { homeTenantId: string },
  ): EmulatedApp {
    const created: EmulatedApp = {
      clientId: app.clientId ?? randomUUID(),
      displayName: app.displayName ?? 'ccx',
      homeTenantId: app.homeTenantId,
      multiTenant: app.multiTenant ?? true,
      secrets: app.secrets ?? [],
      certificates: app.certificates ?? new Map(),
      redirectUris: app.redirectUris ?? [],
      ...(app.identifierUri !== undefined ? { identifierUri: app.identifierUri } : {}),
      exposedScopes: app.exposedScopes ?? [],
      appRoles: app.appRoles ?? [],
    };
    this.apps.set(created.clientId, created);
    return created;
  }

  /** Admin consent in `tenantId` for `clientId`: adds to what was granted before. */
  grant(
    tenantId: string,
    clientId: string,
    granted: { applicationPermissions?: string[]; delegatedScopes?: string[] },
  ): void {
    const tenant = this.tenant(tenantId);
    const grant = tenant.grants.get(clientId) ?? {
      applicationPermissions: new Set<string>(),
      delegatedScopes: new Set<string>(),
    };
    for (const p of granted.applicationPermissions ?? []) grant.applicationPermissions.add(p);
    for (const s of granted.delegatedScopes ?? []) grant.delegatedScopes.add(s);
    tenant.grants.set(clientId, grant);
  }

  /** Revokes an app's consent in a tenant (tokens already issued stay valid until they expire). */
  revoke(tenantId: string, clientId: string): void {
    this.tenant(tenantId).grants.delete(clientId);
  }

  assignRole(tenantId: string, clientId: string, userId: string, role: string): void {
    const tenant = this.tenant(tenantId);
    const byUser = tenant.roleAssignments.get(clientId) ?? new Map<string, Set<string>>();
    const roles = byUser.get(userId) ?? new Set<string>();
    roles.add(role);
    byUser.set(userId, roles);
    tenant.roleAssignments.set(clientId, byUser);
  }

  rolesOf(tenantId: string, clientId: string, userId: string): string[] {
    return [...(this.tenant(tenantId).roleAssignments.get(clientId)?.get(userId) ?? [])];
  }

  tenant(id: string): EmulatedTenant {
    const tenant = this.tenants.get(id);
    if (!tenant) throw new Error(`no tenant ${id}`);
    return tenant;
  }

  /** A tenant by id or by verified domain, as the authority path segment may name either. */
  findTenant(idOrDomain: string): EmulatedTenant | undefined {
    const lower = idOrDomain.toLowerCase();
    for (const t of this.tenants.values()) {
      if (t.id === lower || t.domain.toLowerCase() === lower) return t;
    }
    return undefined;
  }

  findUser(tenantId: string, idOrUpn: string): EmulatedUser | undefined {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) return undefined;
    const direct = tenant.users.get(idOrUpn);
    if (direct) return direct;
    const lower = idOrUpn.toLowerCase();
    for (const u of tenant.users.values()) {
      if (u.userPrincipalName.toLowerCase() === lower) return u;
    }
    return undefined;
  }

  /** A user in any tenant (Graph ids are unique across tenants). */
  userById(id: string): EmulatedUser | undefined {
    for (const t of this.tenants.values()) {
      const u = t.users.get(id);
      if (u) return u;
    }
    return undefined;
  }
}
