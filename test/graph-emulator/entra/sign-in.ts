import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import type { EmulatedApp, EmulatedUser } from '../directory';
import { appNotFound, isInstalled, resolveAuthority, type Authority } from './authority';
import { delegatedScopes } from './consent';
import { OAuthFailure } from './failure';
import { parseForm, type OAuthForm } from './form';
import { requireResourceIn } from './grants/shared';
import { opaque } from './ids';
import { errorParams, sendBack } from './redirect';
import { sendErrorPage } from './render';
import { parseScopes } from './scopes';
import { signInPage } from './sign-in-page';
import { SIGN_IN_LIFETIME_MS, type EntraState } from './state';

/**
 * POST /{tenant}/oauth2/v2.0/authorize: the sign-in form's submission. A wrong password
 * (AADSTS50126) or unknown user (AADSTS50034) keeps the user on the page; then the app must be
 * installed and the scopes consented in the user's tenant (consent_required, AADSTS65001, back to
 * the app); then a single-use code goes back to the redirect URI.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#successful-response
 */
export function authorizePost(ctx: EmulatorContext, state: EntraState) {
  return async (req: Request, res: Response): Promise<void> => {
    let form: OAuthForm;
    try {
      form = parseForm(req.body);
    } catch (e) {
      if (!(e instanceof OAuthFailure)) throw e;
      sendErrorPage(res, e);
      return;
    }
    const id = form['ctx'] ?? '';
    const pending = state.pending.get(id);
    if (!pending || ctx.clock.now() - pending.createdAt > SIGN_IN_LIFETIME_MS) {
      sendErrorPage(
        res,
        new OAuthFailure(
          400,
          'invalid_request',
          50089,
          'Authentication failed due to flow token expired.',
        ),
      );
      return;
    }
    const authority = resolveAuthority(ctx.directory, pending.segment);
    const client = ctx.directory.apps.get(pending.clientId);
    const login = form['loginfmt'] ?? '';
    const user = findUser(ctx, authority, login);
    const retry = (aadsts: number, text: string) =>
      res
        .status(200)
        .type('html')
        .send(
          signInPage({
            action: `/${pending.segment}/oauth2/v2.0/authorize`,
            ctx: id,
            appName: client?.displayName ?? '',
            loginHint: login,
            error: `AADSTS${aadsts}: ${text}`,
          }),
        );
    if (!client) return void retry(700016, 'The application was removed.');
    if (!user) {
      return void retry(
        50034,
        `The user account ${login} does not exist in the directory. To sign into this application, the account must be added to the directory.`,
      );
    }
    if (user.password !== (form['passwd'] ?? '')) {
      return void retry(50126, 'Error validating credentials due to invalid username or password.');
    }
    state.pending.delete(id);
    const back = {
      redirectUri: pending.redirectUri,
      responseMode: pending.responseMode,
      state: pending.state,
    };
    try {
      checkConsent(ctx, client, user, pending.scope);
    } catch (e) {
      if (!(e instanceof OAuthFailure)) throw e;
      sendBack(res, back, errorParams(e));
      return;
    }
    const code = opaque(64);
    state.codes.set(code, {
      clientId: client.clientId,
      tenantId: user.tenantId,
      userId: user.id,
      redirectUri: pending.redirectUri,
      scope: pending.scope,
      ...(pending.nonce !== undefined ? { nonce: pending.nonce } : {}),
      ...(pending.codeChallenge !== undefined
        ? {
            codeChallenge: pending.codeChallenge,
            codeChallengeMethod: pending.codeChallengeMethod ?? 'plain',
          }
        : {}),
      issuedAt: ctx.clock.now(),
      redeemed: false,
    });
    sendBack(res, back, { code, session_state: randomUUID() });
  };
}

function findUser(
  ctx: EmulatorContext,
  authority: Authority,
  login: string,
): EmulatedUser | undefined {
  if (authority.kind === 'tenant') return ctx.directory.findUser(authority.tenant.id, login);
  for (const tenant of ctx.directory.tenants.values()) {
    const user = ctx.directory.findUser(tenant.id, login);
    if (user) return user;
  }
  return undefined;
}

/** The app must be installed in the user's tenant and the resource's scopes consented there. */
function checkConsent(
  ctx: EmulatorContext,
  client: EmulatedApp,
  user: EmulatedUser,
  scope: string,
): void {
  const tenant = ctx.directory.tenant(user.tenantId);
  if (!isInstalled(client, tenant)) {
    if (!client.multiTenant) throw appNotFound(client.clientId, tenant.domain);
    throw new OAuthFailure(
      400,
      'consent_required',
      65001,
      `The user or administrator has not consented to use the application with ID '${client.clientId}' named '${client.displayName}'. Send an interactive authorization request for this user and resource.`,
    );
  }
  const request = parseScopes(scope, ctx.directory);
  requireResourceIn(tenant, request);
  const hasResourceScopes = request.isDefault || request.permissions.length > 0;
  if (hasResourceScopes) delegatedScopes(ctx.directory, tenant, client, request);
}
