import { eq } from 'drizzle-orm';
import { decodeJwt } from 'jose';
import {
  CredentialError,
  entraError,
  identityOf,
  prepareCredential,
  sealCredential,
  type EntraTokenValidator,
  type M365Clients,
  type M365ConnectionRow,
} from '@ccx/auth';
import { m365Connections } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import type { TenantScope } from '../persistence/tenant-scope';
import type { UnitOfWork } from '../persistence/unit-of-work';
import { pgErrorOf } from '../problem/db-errors';
import { ApiProblem, conflict, fieldProblem } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';
import type { AuthRequests } from './auth-requests';
import { connectionInputSchema, consentCallbackQuery } from './connection.schemas';
import { CALLBACKS, type M365Options } from './m365.options';

const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

/** A connection as shown: the credential only by kind and hint, never the sealed values. */
export function connectionView(row: M365ConnectionRow) {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    entraTenantId: row.entraTenantId,
    clientId: row.clientId,
    credential: { kind: row.credentialKind, hint: row.credentialHint },
    status: row.status,
    statusDetail: row.statusDetail,
    consentedAt: iso(row.consentedAt),
    testedAt: iso(row.testedAt),
    serviceSignIn: row.delegatedCacheCiphertext
      ? { username: row.delegatedUsername, signedInAt: iso(row.delegatedSignedInAt) }
      : null,
    revision: row.revision,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const noConnection = () =>
  new ApiProblem('not-found', 'this tenant has no Microsoft 365 connection (PUT it first)');

/**
 * A tenant's Microsoft 365 connection: one per tenant, created or replaced by PUT. Credentials are
 * sealed with the MASTER_KEY before they reach the database and are never shown or logged.
 */
export class M365ConnectionService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly box: SecretBox,
    private readonly clients: M365Clients,
    private readonly requests: AuthRequests,
    private readonly options: M365Options,
    private readonly validator: EntraTokenValidator | null,
  ) {}

  async row(scope: TenantScope): Promise<M365ConnectionRow> {
    const [row] = await scope.select(m365Connections, undefined, 1);
    if (!row) throw noConnection();
    return row;
  }

  async get(scope: TenantScope) {
    return connectionView(await this.row(scope));
  }

  /** Creates or replaces the connection; a new Entra tenant or app starts over (consent, sign-in). */
  async put(scope: TenantScope, body: unknown) {
    const input = parseOrThrow(connectionInputSchema, body);
    let prepared: ReturnType<typeof prepareCredential>;
    try {
      prepared = prepareCredential(input.credential);
    } catch (e) {
      if (e instanceof CredentialError) throw fieldProblem(e.field, e.message);
      throw e;
    }
    const values = {
      entraTenantId: input.entraTenantId,
      clientId: input.clientId,
      credentialKind: prepared.credential.kind,
      credentialCiphertext: sealCredential(this.box, prepared.credential),
      credentialHint: prepared.hint,
    };
    const row = await this.uow.run(async () => {
      await scope.lock('m365-connection');
      const [existing] = await scope.select(m365Connections, undefined, 1);
      try {
        if (!existing) return await scope.insert(m365Connections, values);
        const sameApp =
          existing.entraTenantId === input.entraTenantId && existing.clientId === input.clientId;
        const reset = sameApp
          ? { status: 'pending-consent' as const, statusDetail: null, testedAt: null }
          : {
              status: 'pending-consent' as const,
              statusDetail: null,
              testedAt: null,
              consentedAt: null,
              delegatedCacheCiphertext: null,
              delegatedUsername: null,
              delegatedSignedInAt: null,
            };
        if (!sameApp) this.validator?.forgetTenant(existing.entraTenantId);
        return await scope.update(m365Connections, existing.id, { ...values, ...reset });
      } catch (e) {
        if (pgErrorOf(e)?.constraint === 'm365_connections_entra_tenant_unique') {
          throw conflict('entraTenantId', 'this Entra tenant is connected to another tenant');
        }
        throw e;
      }
    });
    if (!row) throw noConnection();
    return connectionView(row);
  }

  async delete(scope: TenantScope): Promise<void> {
    await this.uow.run(async () => {
      const row = await this.row(scope);
      await scope.delete(m365Connections, row.id);
      this.validator?.forgetTenant(row.entraTenantId);
    });
  }

  /** The admin-consent URL for the tenant's admin (Microsoft's v2.0 adminconsent endpoint). */
  async adminConsentUrl(scope: TenantScope) {
    const row = await this.row(scope);
    const redirectUri = this.redirectUri(CALLBACKS.adminConsent);
    const { state, expiresAt } = await this.requests.create(scope.tenantId, 'admin-consent');
    const url = new URL(`${this.clients.tenantAuthority(row.entraTenantId)}/v2.0/adminconsent`);
    url.search = new URLSearchParams({
      client_id: row.clientId,
      scope: GRAPH_DEFAULT,
      redirect_uri: redirectUri,
      state,
    }).toString();
    return { url: url.toString(), expiresAt: expiresAt.toISOString() };
  }

  /**
   * Where Entra ID sends the admin back: `admin_consent=True&tenant=...&state=...`, or
   * `error=...&error_description=...&state=...`. The state must be one we issued, unused and live.
   * https://learn.microsoft.com/entra/identity-platform/v2-admin-consent
   */
  async consentCallback(query: unknown) {
    const q = parseOrThrow(consentCallbackQuery, query);
    const request = await this.requests.consume(q.state, 'admin-consent');
    if (!request) throw fieldProblem('state', 'unknown, used or expired state');
    const db = this.uow.executor;
    const [row] = await db
      .select()
      .from(m365Connections)
      .where(eq(m365Connections.tenantId, request.tenantId))
      .limit(1);
    if (!row) throw noConnection();
    const granted = q.admin_consent?.toLowerCase() === 'true' && !q.error;
    const sameTenant = q.tenant?.toLowerCase() === row.entraTenantId;
    const failure = !granted
      ? `${q.error ?? 'consent_not_granted'}: ${(q.error_description ?? '').slice(0, 500)}`
      : !sameTenant
        ? `consent was given in Entra tenant ${q.tenant ?? '(none)'}, not ${row.entraTenantId}`
        : null;
    const [updated] = await db
      .update(m365Connections)
      .set(
        failure
          ? { status: 'failed', statusDetail: failure, updatedAt: new Date() }
          : {
              status: 'connected',
              statusDetail: null,
              consentedAt: new Date(),
              updatedAt: new Date(),
            },
      )
      .where(eq(m365Connections.id, row.id))
      .returning();
    return connectionView(updated ?? row);
  }

  /**
   * Gets an app-only Graph token with the stored credential (MSAL client credentials) and
   * reports success, with the application permissions granted, or Entra ID's AADSTS error.
   */
  async test(scope: TenantScope) {
    const row = await this.row(scope);
    const msal = this.clients.confidential(identityOf(this.box, row));
    let outcome: {
      ok: boolean;
      applicationPermissions: string[];
      error: null | { code: string; message: string };
    };
    try {
      const result = await msal.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
      if (!result) throw new Error('no token');
      const roles = decodeJwt(result.accessToken)['roles'];
      const applicationPermissions = Array.isArray(roles) ? roles.map(String) : [];
      outcome = { ok: true, applicationPermissions, error: null };
    } catch (e) {
      outcome = { ok: false, applicationPermissions: [], error: entraError(e) };
    }
    await this.uow.run(() =>
      scope.update(m365Connections, row.id, {
        testedAt: new Date(),
        ...(outcome.ok
          ? { status: 'connected', statusDetail: null }
          : {
              status: 'failed',
              statusDetail: `${outcome.error?.code}: ${outcome.error?.message}`,
            }),
      }),
    );
    return outcome;
  }

  redirectUri(path: string): string {
    const base = this.options.redirectBaseUrl;
    if (!base) {
      throw new ApiProblem(
        'service-unavailable',
        'M365_REDIRECT_BASE_URL is not set: the API cannot receive Entra ID callbacks',
      );
    }
    return `${base.replace(/\/+$/, '')}${path}`;
  }
}
