import { OAuthFailure } from '../failure';
import { required } from '../form';
import { parseScopes } from '../scopes';
import { REFRESH_INACTIVITY_MS } from '../state';
import {
  delegatedResponse,
  requireSameTenant,
  type GrantContext,
  type TokenResponse,
} from './shared';

/**
 * grant_type=refresh_token: a refresh token is bound to the client it was issued to, works for any
 * resource the user's consent covers (consent is checked again, so a revoked grant stops it), is
 * replaced by a new one on each use, and expires after 90 days without use.
 * https://learn.microsoft.com/entra/identity-platform/refresh-tokens
 */
export async function refreshToken(g: GrantContext): Promise<TokenResponse> {
  const token = required(g.form, 'refresh_token');
  const scope = required(g.form, 'scope');
  const grant = g.state.refreshTokens.get(token);
  if (!grant) {
    throw new OAuthFailure(
      400,
      'invalid_grant',
      9002313,
      'Invalid request. Request is malformed or invalid.',
    );
  }
  if (grant.clientId !== g.client.clientId) {
    throw new OAuthFailure(
      400,
      'invalid_grant',
      70000,
      'The provided grant is invalid or malformed: the refresh token was issued to another client.',
    );
  }
  const now = g.ctx.clock.now();
  if (now - grant.lastUsedAt > REFRESH_INACTIVITY_MS) {
    g.state.refreshTokens.delete(token);
    throw new OAuthFailure(
      400,
      'invalid_grant',
      700082,
      `The refresh token has expired due to inactivity. The token was issued on ${new Date(grant.issuedAt).toISOString()} and was inactive for 90.00:00:00.`,
    );
  }
  requireSameTenant(g.authority, grant.tenantId, 'Refresh Token');
  const user = g.ctx.directory.findUser(grant.tenantId, grant.userId);
  if (!user)
    throw new OAuthFailure(
      400,
      'invalid_grant',
      50034,
      'The user account does not exist in the directory.',
    );
  grant.lastUsedAt = now;
  const request = parseScopes(scope, g.ctx.directory);
  return delegatedResponse(g, g.ctx.directory.tenant(grant.tenantId), user, request, {
    oidc: request.oidc,
  });
}
