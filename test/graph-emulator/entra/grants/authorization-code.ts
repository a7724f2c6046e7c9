import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuthFailure } from '../failure';
import { optional, required } from '../form';
import { parseScopes } from '../scopes';
import { CODE_LIFETIME_MS, type AuthCode } from '../state';
import {
  delegatedResponse,
  requireSameTenant,
  type GrantContext,
  type TokenResponse,
} from './shared';

/**
 * grant_type=authorization_code: the code is single use, lives 10 minutes, belongs to the client
 * and redirect URI it was issued for, and (when the sign-in sent a code_challenge) only redeems
 * with the matching code_verifier (PKCE, S256 or plain).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
 */
export async function authorizationCode(g: GrantContext): Promise<TokenResponse> {
  const codeValue = required(g.form, 'code');
  const redirectUri = required(g.form, 'redirect_uri');
  const code = g.state.codes.get(codeValue);
  if (!code || code.clientId !== g.client.clientId) {
    throw invalidGrant(70000, "The provided value for the 'code' parameter is not valid.");
  }
  if (code.redeemed) {
    throw invalidGrant(
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    );
  }
  if (g.ctx.clock.now() - code.issuedAt > CODE_LIFETIME_MS) {
    throw invalidGrant(
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    );
  }
  requireSameTenant(g.authority, code.tenantId, 'Authorization Code');
  if (redirectUri !== code.redirectUri) {
    throw invalidGrant(
      500112,
      `The reply address '${redirectUri}' does not match the reply address '${code.redirectUri}' provided when requesting Authorization code.`,
    );
  }
  checkVerifier(code, optional(g.form, 'code_verifier'));
  const tenant = g.ctx.directory.tenant(code.tenantId);
  const user = g.ctx.directory.findUser(code.tenantId, code.userId);
  if (!user) throw invalidGrant(50034, 'The user account does not exist in the directory.');
  const request = parseScopes(optional(g.form, 'scope') ?? code.scope, g.ctx.directory);
  const signedInFor = parseScopes(code.scope, g.ctx.directory).oidc;
  const response = await delegatedResponse(g, tenant, user, request, {
    ...(code.nonce !== undefined ? { nonce: code.nonce } : {}),
    // id token and refresh token follow what the sign-in asked for (openid, offline_access).
    oidc: signedInFor,
  });
  code.redeemed = true;
  return response;
}

function checkVerifier(code: AuthCode, verifier: string | undefined): void {
  if (code.codeChallenge === undefined) return;
  const mismatch = (detail: string) =>
    invalidGrant(
      501481,
      `The Code_Verifier does not match the code_challenge supplied in the authorization request. ${detail}`,
    );
  if (verifier === undefined) throw mismatch("The request has no 'code_verifier'.");
  const computed =
    code.codeChallengeMethod === 'plain'
      ? verifier
      : createHash('sha256').update(verifier).digest('base64url');
  const a = Buffer.from(computed);
  const b = Buffer.from(code.codeChallenge);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw mismatch('');
}

const invalidGrant = (aadsts: number, text: string): OAuthFailure =>
  new OAuthFailure(400, 'invalid_grant', aadsts, text);
