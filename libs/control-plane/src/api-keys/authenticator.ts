import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { apiKeys, tenants, type Database } from '@ccx/persistence';
import { apiKeyScopes, constantTimeEqual, hashApiKey, type ApiKeyScope } from '@ccx/security';
import type { EntraPrincipal } from '@ccx/auth';
import { forbidden, unauthorized } from '../problem/problem';

/** Who is calling: the operator, a tenant API key, or a user signed in with Microsoft 365. */
export type Principal =
  | { kind: 'operator' }
  | { kind: 'tenant'; tenantId: string; keyId: string; scopes: readonly ApiKeyScope[] }
  | EntraPrincipal;

export type TenantPrincipal = Extract<Principal, { kind: 'tenant' }>;

const LAST_USED_RESOLUTION_MS = 60_000;
const LAST_USED_RESOLUTION = sql`interval '1 minute'`;

/** `Authorization: Bearer <token>` → the token, or a 401 problem. */
export function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) throw unauthorized('send "Authorization: Bearer <API key>"');
  return match[1];
}

/**
 * Resolves credentials. The operator key (ADMIN_API_KEY) is compared in constant time; tenant
 * keys are looked up by their SHA-256. A tenant key's tenant is the ONLY tenant a request can
 * act for: it comes from this lookup, never from the URL or the body.
 */
export class Authenticator {
  private readonly operatorHash: string;

  constructor(
    private readonly db: Database,
    operatorKey: string,
  ) {
    this.operatorHash = hashApiKey(operatorKey);
  }

  isOperatorKey(token: string): boolean {
    return constantTimeEqual(hashApiKey(token), this.operatorHash);
  }

  async tenantPrincipal(token: string): Promise<TenantPrincipal> {
    if (!token.startsWith('ccx_')) throw unauthorized('not a tenant API key');
    const [row] = await this.db
      .select({
        id: apiKeys.id,
        tenantId: apiKeys.tenantId,
        scopes: apiKeys.scopes,
        revokedAt: apiKeys.revokedAt,
        lastUsedAt: apiKeys.lastUsedAt,
        tenantStatus: tenants.status,
      })
      .from(apiKeys)
      .innerJoin(tenants, eq(tenants.id, apiKeys.tenantId))
      .where(eq(apiKeys.hash, hashApiKey(token)))
      .limit(1);
    if (!row) throw unauthorized('unknown API key');
    if (row.revokedAt) throw unauthorized('the API key has been revoked');
    if (row.tenantStatus !== 'active') throw forbidden('the tenant is suspended');
    const stale =
      !row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS;
    if (stale) await this.touch(row.id);
    const scopes = row.scopes.filter((s): s is ApiKeyScope =>
      (apiKeyScopes as readonly string[]).includes(s),
    );
    return { kind: 'tenant', tenantId: row.tenantId, keyId: row.id, scopes };
  }

  /** Records the use (the condition keeps concurrent requests from all writing). */
  private async touch(id: string): Promise<void> {
    await this.db
      .update(apiKeys)
      .set({ lastUsedAt: sql`now()` })
      .where(
        and(
          eq(apiKeys.id, id),
          or(
            isNull(apiKeys.lastUsedAt),
            lt(apiKeys.lastUsedAt, sql`now() - ${LAST_USED_RESOLUTION}`),
          ),
        ),
      );
  }
}
