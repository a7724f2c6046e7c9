import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { appInAuthority, resolveAuthority } from './authority';
import { authenticateClient, credentialsOf, isPublicClient } from './client-auth';
import { OAuthFailure } from './failure';
import { parseForm, required } from './form';
import { authorizationCode } from './grants/authorization-code';
import { clientCredentials } from './grants/client-credentials';
import { onBehalfOf } from './grants/on-behalf-of';
import { refreshToken } from './grants/refresh-token';
import type { GrantContext, TokenResponse } from './grants/shared';
import { sendFailure } from './render';
import type { EntraState } from './state';

/**
 * POST /{tenant}/oauth2/v2.0/token: resolves the tenant (AADSTS90002), the client in it
 * (AADSTS700016), authenticates it (AADSTS7000215 / 7000218 / 700027), then runs the grant.
 */
const GRANTS: Record<string, (g: GrantContext) => Promise<TokenResponse>> = {
  client_credentials: clientCredentials,
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  'urn:ietf:params:oauth:grant-type:jwt-bearer': onBehalfOf,
};
const CONFIDENTIAL_ONLY = new Set([
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
]);

export function tokenEndpoint(ctx: EmulatorContext, state: EntraState) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const body = await tokenResponse(ctx, state, req);
      res.status(200).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(body);
    } catch (e) {
      sendFailure(res, e);
    }
  };
}

async function tokenResponse(
  ctx: EmulatorContext,
  state: EntraState,
  req: Request,
): Promise<TokenResponse> {
  const authority = resolveAuthority(ctx.directory, String(req.params['tenant']));
  const form = parseForm(req.body);
  const grantType = required(form, 'grant_type');
  const clientId = required(form, 'client_id');
  const client = appInAuthority(ctx.directory, clientId, authority);
  const grant = GRANTS[grantType];
  if (!grant) {
    throw new OAuthFailure(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  if (CONFIDENTIAL_ONLY.has(grantType) && isPublicClient(client)) {
    throw new OAuthFailure(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const credentials = credentialsOf(form, req.get('authorization'));
  const authMethod = await authenticateClient(ctx, client, authority, credentials);
  return grant({ ctx, state, authority, form, client, authMethod });
}
