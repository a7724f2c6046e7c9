import { eq } from 'drizzle-orm';
import { entraError, identityOf, SERVICE_DELEGATED_SCOPES, type M365Clients } from '@ccx/auth';
import { m365Connections } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import type { TenantScope } from '../persistence/tenant-scope';
import type { UnitOfWork } from '../persistence/unit-of-work';
import { ApiProblem, fieldProblem } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';
import type { AuthRequests } from './auth-requests';
import { codeCallbackQuery } from './connection.schemas';
import { connectionView, noConnection, type M365ConnectionService } from './connection.service';
import { CALLBACKS } from './m365.options';
import { pkcePair } from './pkce';

/**
 * The delegated service sign-in (auth code + PKCE): an account of the customer's tenant signs in
 * once for what Graph allows only with delegated permissions (presence subscriptions). MSAL's
 * token cache (with the refresh token) is sealed into the connection; `DelegatedGraphTokens`
 * (@ccx/auth) gets tokens from it later.
 */
export class ServiceSignInService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly box: SecretBox,
    private readonly clients: M365Clients,
    private readonly requests: AuthRequests,
    private readonly connections: M365ConnectionService,
  ) {}

  async start(scope: TenantScope) {
    const row = await this.connections.row(scope);
    const redirectUri = this.connections.redirectUri(CALLBACKS.serviceSignIn);
    const { verifier, challenge } = pkcePair();
    const { state, expiresAt } = await this.uow.run(() =>
      this.requests.create(scope.tenantId, 'service-sign-in', verifier),
    );
    const url = await this.clients.confidential(identityOf(this.box, row)).getAuthCodeUrl({
      scopes: [...SERVICE_DELEGATED_SCOPES],
      redirectUri,
      state,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
      prompt: 'select_account',
    });
    return { url, expiresAt: expiresAt.toISOString() };
  }

  async callback(query: unknown) {
    const q = parseOrThrow(codeCallbackQuery, query);
    const request = await this.requests.consume(q.state, 'service-sign-in');
    if (!request) throw fieldProblem('state', 'unknown, used or expired state');
    if (q.error || !q.code) {
      throw new ApiProblem(
        'forbidden',
        `the sign-in did not complete: ${q.error ?? 'no code'} ${q.error_description ?? ''}`.trim(),
      );
    }
    const db = this.uow.executor;
    const [row] = await db
      .select()
      .from(m365Connections)
      .where(eq(m365Connections.tenantId, request.tenantId))
      .limit(1);
    if (!row) throw noConnection();
    const msal = this.clients.confidential(identityOf(this.box, row));
    let username: string | null;
    try {
      const result = await msal.acquireTokenByCode({
        code: q.code,
        scopes: [...SERVICE_DELEGATED_SCOPES],
        redirectUri: this.connections.redirectUri(CALLBACKS.serviceSignIn),
        ...(request.verifier ? { codeVerifier: request.verifier } : {}),
      });
      if (result.tenantId && result.tenantId.toLowerCase() !== row.entraTenantId) {
        throw new ApiProblem('forbidden', 'the account signed in belongs to another Entra tenant');
      }
      username = result.account?.username ?? null;
    } catch (e) {
      if (e instanceof ApiProblem) throw e;
      const { code, message } = entraError(e);
      throw new ApiProblem('bad-gateway', `Entra ID refused the code: ${code}: ${message}`);
    }
    const [updated] = await db
      .update(m365Connections)
      .set({
        delegatedCacheCiphertext: this.box.seal(msal.getTokenCache().serialize()),
        delegatedUsername: username,
        delegatedSignedInAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(m365Connections.id, row.id))
      .returning();
    return connectionView(updated ?? row);
  }
}
