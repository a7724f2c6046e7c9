import { z } from 'zod';
import {
  connectionOfTenant,
  EntraTokenError,
  entraError,
  identityOf,
  type EntraTokenValidator,
  type M365Clients,
} from '@ccx/auth';
import type { Database } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import type { UnitOfWork } from '../persistence/unit-of-work';
import { ApiProblem, fieldProblem, unauthorized } from '../problem/problem';
import { entraProblem } from './entra-problem';
import { parseOrThrow } from '../problem/zod-issues';
import type { AuthRequests } from './auth-requests';
import { codeCallbackQuery } from './connection.schemas';
import type { M365ConnectionService } from './connection.service';
import { CALLBACKS, type M365Options } from './m365.options';
import { pkcePair } from './pkce';

export const signInQuery = z.object({
  tenant: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
    .meta({ description: 'Our tenant id (slug) whose Microsoft 365 the user signs in with.' }),
});

export const teamsSsoBody = z.strictObject({
  token: z.string().min(1).max(16_384).meta({ description: 'The Teams tab SSO token.' }),
});

const GRAPH_USER_SCOPES = ['https://graph.microsoft.com/User.Read'];

/**
 * Agents and supervisors sign in with Microsoft 365: auth code + PKCE for a token to OUR API (then
 * used as the bearer), and Teams tab SSO, whose token is validated and traded on-behalf-of for a
 * Graph token (proving consent for the user's delegated Graph calls).
 */
export class UserSignInService {
  constructor(
    private readonly db: Database,
    private readonly uow: UnitOfWork,
    private readonly box: SecretBox,
    private readonly clients: M365Clients,
    private readonly requests: AuthRequests,
    private readonly connections: M365ConnectionService,
    private readonly options: M365Options,
    private readonly validator: EntraTokenValidator | null,
  ) {}

  /** Sign-in scope for our API: every delegated permission the tenant consented to (.default). */
  private apiScopes(): string[] {
    const api = this.options.apiAudiences[0];
    if (!api || !this.validator) {
      throw new ApiProblem(
        'service-unavailable',
        'M365_API_AUDIENCES is not set: Microsoft 365 sign-in is off',
      );
    }
    return [`${api.replace(/\/+$/, '')}/.default`];
  }

  async start(query: unknown) {
    const { tenant } = parseOrThrow(signInQuery, query);
    const scopes = this.apiScopes();
    const row = await connectionOfTenant(this.db, tenant);
    if (!row) throw fieldProblem('tenant', 'no Microsoft 365 connection for this tenant');
    const redirectUri = this.connections.redirectUri(CALLBACKS.userSignIn);
    const { verifier, challenge } = pkcePair();
    const { state, expiresAt } = await this.uow.run(() =>
      this.requests.create(tenant, 'user-sign-in', verifier),
    );
    const url = await this.clients.confidential(identityOf(this.box, row)).getAuthCodeUrl({
      scopes,
      redirectUri,
      state,
      codeChallenge: challenge,
      codeChallengeMethod: 'S256',
    });
    return { url, expiresAt: expiresAt.toISOString() };
  }

  /** Redeems the code; answers our API's access token and who signed in, with which roles. */
  async callback(query: unknown) {
    const q = parseOrThrow(codeCallbackQuery, query);
    const request = await this.requests.consume(q.state, 'user-sign-in');
    if (!request) throw fieldProblem('state', 'unknown, used or expired state');
    if (q.error || !q.code) {
      throw unauthorized(
        `the sign-in did not complete: ${q.error ?? 'no code'} ${q.error_description ?? ''}`.trim(),
      );
    }
    const row = await connectionOfTenant(this.db, request.tenantId);
    if (!row) throw fieldProblem('tenant', 'no Microsoft 365 connection for this tenant');
    const msal = this.clients.confidential(identityOf(this.box, row));
    let accessToken: string;
    let expiresOn: Date | null;
    try {
      const result = await msal.acquireTokenByCode({
        code: q.code,
        scopes: this.apiScopes(),
        redirectUri: this.connections.redirectUri(CALLBACKS.userSignIn),
        ...(request.verifier ? { codeVerifier: request.verifier } : {}),
      });
      accessToken = result.accessToken;
      expiresOn = result.expiresOn;
    } catch (e) {
      const { code, message } = entraError(e);
      throw unauthorized(`Entra ID refused the sign-in: ${code}: ${message}`);
    }
    const principal = await this.principal(accessToken);
    if (principal.tenantId !== request.tenantId) {
      throw new ApiProblem('forbidden', 'the account belongs to another tenant');
    }
    return {
      accessToken,
      tokenType: 'Bearer',
      expiresOn: expiresOn?.toISOString() ?? null,
      user: { id: principal.userId, username: principal.username ?? null, roles: principal.roles },
    };
  }

  /**
   * Teams tab SSO: the tab's token (audience = our app) is validated like any bearer, then traded
   * on-behalf-of for a Graph token (User.Read). The Graph token stays here; the answer says
   * whether the exchange worked or the user/admin must consent first (AADSTS65001).
   */
  async teamsSso(body: unknown) {
    const { token } = parseOrThrow(teamsSsoBody, body);
    this.apiScopes();
    const principal = await this.principal(token);
    const row = await connectionOfTenant(this.db, principal.tenantId);
    if (!row) throw new ApiProblem('forbidden', 'no Microsoft 365 connection for this tenant');
    const msal = this.clients.confidential(identityOf(this.box, row));
    let graph: { ok: boolean; scopes: string[]; error: null | { code: string; message: string } };
    try {
      const result = await msal.acquireTokenOnBehalfOf({
        oboAssertion: token,
        scopes: GRAPH_USER_SCOPES,
      });
      graph = { ok: Boolean(result), scopes: result?.scopes ?? [], error: null };
    } catch (e) {
      graph = { ok: false, scopes: [], error: entraError(e) };
    }
    return {
      user: { id: principal.userId, username: principal.username ?? null, roles: principal.roles },
      scopes: principal.scopes,
      graph: { ...graph, consentRequired: graph.error?.code === 'AADSTS65001' },
    };
  }

  private async principal(token: string) {
    if (!this.validator) throw unauthorized('Entra ID tokens are not accepted here');
    try {
      return await this.validator.validate(token);
    } catch (e) {
      if (e instanceof EntraTokenError) throw entraProblem(e);
      throw e;
    }
  }
}
