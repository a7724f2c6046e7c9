import { errors } from 'jose';
import type { EmulatedClaims } from '../../tokens';
import { OAuthFailure } from '../failure';
import { required } from '../form';
import { parseScopes } from '../scopes';
import {
  requireSameTenant,
  delegatedResponse,
  type GrantContext,
  type TokenResponse,
} from './shared';

/**
 * The on-behalf-of flow (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer,
 * requested_token_use=on_behalf_of): a middle-tier API trades a user's token for itself (its
 * `aud` is the API's client id or Application ID URI, e.g. a Teams tab SSO token) for a token to a
 * downstream API. Only user tokens qualify; only delegated scopes the tenant consented to are
 * granted (AADSTS65001 with suberror consent_required otherwise).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow
 */
export async function onBehalfOf(g: GrantContext): Promise<TokenResponse> {
  if (required(g.form, 'requested_token_use') !== 'on_behalf_of') {
    throw new OAuthFailure(
      400,
      'invalid_request',
      90100,
      "The parameter 'requested_token_use' is empty or not valid: it must be 'on_behalf_of'.",
    );
  }
  const assertion = required(g.form, 'assertion');
  const request = parseScopes(required(g.form, 'scope'), g.ctx.directory);
  const audiences = [
    g.client.clientId,
    ...(g.client.identifierUri ? [g.client.identifierUri] : []),
  ];
  const claims = await verifyAssertion(g, assertion, audiences);
  const tenant = g.ctx.directory.tenants.get(claims.tid);
  const user = claims.oid ? g.ctx.directory.findUser(claims.tid, claims.oid) : undefined;
  if (!tenant || !user || claims.idtyp === 'app') {
    throw invalidAssertion(
      'The assertion does not represent a user: the on-behalf-of flow only works for user principals.',
    );
  }
  requireSameTenant(g.authority, tenant.id, 'assertion');
  return delegatedResponse(g, tenant, user, request, { oidc: request.oidc });
}

async function verifyAssertion(
  g: GrantContext,
  assertion: string,
  audiences: string[],
): Promise<EmulatedClaims> {
  try {
    return await g.ctx.signer.verify(assertion, audiences);
  } catch (e) {
    if (e instanceof errors.JWTExpired) {
      throw new OAuthFailure(
        400,
        'invalid_grant',
        500133,
        `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${g.ctx.clock.iso()}.`,
      );
    }
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'aud') {
      throw invalidAssertion(
        `Assertion audience claim does not match the required value. The assertion must be a token for '${audiences.join("' or '")}'.`,
      );
    }
    throw invalidAssertion('Assertion failed signature validation.');
  }
}

const invalidAssertion = (text: string): OAuthFailure =>
  new OAuthFailure(400, 'invalid_grant', 50013, text);
