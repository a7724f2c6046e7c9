import type { EmulatorContext } from '../../context';
import type { EmulatedApp, EmulatedTenant, EmulatedUser } from '../../directory';
import { isInstalled, type Authority } from '../authority';
import { delegatedScopes } from '../consent';
import { OAuthFailure } from '../failure';
import type { OAuthForm } from '../form';
import { opaque } from '../ids';
import {
  clientInfo,
  mintAccessToken,
  mintIdToken,
  responseScope,
  type ClientAuthMethod,
} from '../issue';
import type { ScopeRequest } from '../scopes';
import type { EntraState } from '../state';

/** One token request, its client already authenticated. */
export interface GrantContext {
  ctx: EmulatorContext;
  state: EntraState;
  authority: Authority;
  form: OAuthForm;
  client: EmulatedApp;
  authMethod: ClientAuthMethod;
}

/** The token endpoint's success body (v2-oauth2-auth-code-flow, "Successful response"). */
export type TokenResponse = Record<string, string | number>;

/** A resource other than Graph must have a service principal in the tenant (AADSTS500011). */
export function requireResourceIn(tenant: EmulatedTenant, request: ScopeRequest): void {
  if (request.resource.kind === 'app' && !isInstalled(request.resource.app, tenant)) {
    const app = request.resource.app;
    throw new OAuthFailure(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${app.identifierUri ?? app.clientId} was not found in the tenant named ${tenant.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
}

/** A code or refresh token is redeemed in its own tenant; /common and /organizations accept any. */
export function requireSameTenant(authority: Authority, tenantId: string, what: string): void {
  if (authority.kind === 'tenant' && authority.tenant.id !== tenantId) {
    throw new OAuthFailure(
      400,
      'invalid_grant',
      700005,
      `Provided ${what} is intended to use against other tenant, thus rejected.`,
    );
  }
}

/** Access token (+ id token with openid, + refresh token with offline_access) for a user. */
export async function delegatedResponse(
  g: GrantContext,
  tenant: EmulatedTenant,
  user: EmulatedUser,
  request: ScopeRequest,
  options: { nonce?: string; oidc: Set<string> },
): Promise<TokenResponse> {
  requireResourceIn(tenant, request);
  const scp = delegatedScopes(g.ctx.directory, tenant, g.client, request);
  const roles =
    request.resource.kind === 'app'
      ? g.ctx.directory.rolesOf(tenant.id, request.resource.app.clientId, user.id)
      : [];
  const access = await mintAccessToken(g.ctx, {
    tenant,
    client: g.client,
    resource: request.resource,
    authMethod: g.authMethod,
    user,
    scp,
    roles,
  });
  const body: TokenResponse = {
    token_type: 'Bearer',
    scope: responseScope(request.resource, scp, options.oidc),
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
  if (options.oidc.has('offline_access')) {
    const refreshToken = opaque(64);
    const now = g.ctx.clock.now();
    g.state.refreshTokens.set(refreshToken, {
      clientId: g.client.clientId,
      tenantId: tenant.id,
      userId: user.id,
      issuedAt: now,
      lastUsedAt: now,
    });
    body['refresh_token'] = refreshToken;
  }
  if (options.oidc.has('openid')) {
    body['id_token'] = await mintIdToken(g.ctx, tenant, g.client, user, options.nonce);
  }
  if (g.form['client_info'] === '1') body['client_info'] = clientInfo(user);
  return body;
}
