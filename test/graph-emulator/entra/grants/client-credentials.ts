import { applicationRoles } from '../consent';
import { OAuthFailure } from '../failure';
import { required } from '../form';
import { mintAccessToken } from '../issue';
import { parseScopes } from '../scopes';
import { requireResourceIn, type GrantContext, type TokenResponse } from './shared';

/**
 * grant_type=client_credentials: an app-only token whose `roles` are the application permissions
 * the tenant's admin consented to; the scope must be `<resource>/.default`; no refresh token.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
export async function clientCredentials(g: GrantContext): Promise<TokenResponse> {
  if (g.authority.kind !== 'tenant') {
    throw g.authority.kind === 'common'
      ? new OAuthFailure(
          400,
          'invalid_request',
          9001023,
          "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
        )
      : new OAuthFailure(
          400,
          'invalid_request',
          90019,
          'No tenant-identifying information found in either the request or implied by any provided credentials.',
        );
  }
  const scope = required(g.form, 'scope');
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length !== 1 || !scopes[0]?.endsWith('/.default')) {
    throw new OAuthFailure(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const request = parseScopes(scope, g.ctx.directory);
  const tenant = g.authority.tenant;
  requireResourceIn(tenant, request);
  const roles = applicationRoles(g.ctx.directory, tenant, g.client, request);
  const access = await mintAccessToken(g.ctx, {
    tenant,
    client: g.client,
    resource: request.resource,
    authMethod: g.authMethod,
    roles,
  });
  return {
    token_type: 'Bearer',
    expires_in: access.expiresIn,
    ext_expires_in: access.expiresIn,
    access_token: access.token,
  };
}
