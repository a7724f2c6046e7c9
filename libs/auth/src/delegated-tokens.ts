import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { and, eq } from 'drizzle-orm';
import { m365Connections, type Database } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import { connectionOfTenant, identityOf } from './connection-store';
import { entraError, type M365Clients } from './m365-clients';

/**
 * Delegated Graph permissions the service account signs in for: what Graph allows only with
 * delegated tokens (presence subscriptions, reading and setting presence on users' behalf).
 */
export const SERVICE_DELEGATED_SCOPES = [
  'https://graph.microsoft.com/Presence.Read.All',
  'https://graph.microsoft.com/Presence.ReadWrite',
] as const;

/** Why no delegated token could be had: nobody signed in, or the sign-in must be redone. */
export class DelegatedSignInRequired extends Error {
  constructor(
    readonly tenantId: string,
    message: string,
  ) {
    super(message);
    this.name = 'DelegatedSignInRequired';
  }
}

export interface DelegatedToken {
  accessToken: string;
  expiresOn: Date | null;
  /** The signed-in service account. */
  username: string | undefined;
}

/**
 * Delegated Graph tokens of a tenant's service sign-in (auth code + PKCE, done once by an admin
 * through the API). Reads the connection row, opens the sealed MSAL token cache, and lets MSAL
 * (acquireTokenSilent) return the cached access token or redeem the refresh token; a changed
 * cache (new refresh token) is sealed and stored back.
 */
export class DelegatedGraphTokens {
  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
    private readonly clients: M365Clients,
  ) {}

  async token(
    tenantId: string,
    scopes: readonly string[] = SERVICE_DELEGATED_SCOPES,
  ): Promise<DelegatedToken> {
    const row = await connectionOfTenant(this.db, tenantId);
    if (!row?.delegatedCacheCiphertext) {
      throw new DelegatedSignInRequired(tenantId, 'no delegated service sign-in for this tenant');
    }
    const msal = this.clients.confidential(identityOf(this.box, row));
    const cache = msal.getTokenCache();
    cache.deserialize(this.box.open(row.delegatedCacheCiphertext));
    const [account] = await cache.getAllAccounts();
    if (!account) throw new DelegatedSignInRequired(tenantId, 'the stored sign-in has no account');
    try {
      const result = await msal.acquireTokenSilent({ account, scopes: [...scopes] });
      if (cache.hasChanged()) {
        await this.db
          .update(m365Connections)
          .set({ delegatedCacheCiphertext: this.box.seal(cache.serialize()) })
          .where(and(eq(m365Connections.id, row.id), eq(m365Connections.tenantId, tenantId)));
      }
      return {
        accessToken: result.accessToken,
        expiresOn: result.expiresOn,
        username: account.username || undefined,
      };
    } catch (e) {
      if (needsSignIn(e)) {
        const { code, message } = entraError(e);
        throw new DelegatedSignInRequired(tenantId, `${code}: ${message}`);
      }
      throw e;
    }
  }
}

/**
 * Entra ID refused the refresh token (expired, revoked, consent withdrawn): only a new interactive
 * sign-in helps. MSAL reports it as InteractionRequiredAuthError or as a ServerError `invalid_grant`.
 */
function needsSignIn(e: unknown): boolean {
  if (e instanceof InteractionRequiredAuthError) return true;
  return (
    e instanceof ServerError &&
    ['invalid_grant', 'interaction_required', 'consent_required'].includes(e.errorCode)
  );
}
