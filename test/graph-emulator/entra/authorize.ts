import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import type { EmulatedApp, EmulatedUser } from '../directory';
import {
  appInAuthority,
  appNotFound,
  isInstalled,
  resolveAuthority,
  type Authority,
} from './authority';
import { delegatedScopes } from './consent';
import { errorDescription, OAuthFailure } from './failure';
import { optional, parseForm, required, type OAuthForm } from './form';
import { requireResourceIn } from './grants/shared';
import { opaque } from './ids';
import { sendErrorPage } from './render';
import { parseScopes } from './scopes';
import { formPostPage, signInPage } from './sign-in-page';
import { SIGN_IN_LIFETIME_MS, type EntraState, type PendingSignIn } from './state';

/**
 * GET /{tenant}/oauth2/v2.0/authorize and the sign-in form it serves (POSTed back to the same URL).
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#request-an-authorization-code
 * Until client_id and redirect_uri are known good, errors are shown on a page (a redirect URI not
 * registered exactly is AADSTS50011, https://learn.microsoft.com/entra/identity-platform/reply-url);
 * after that they go back to the app as `error`, `error_description` and `state`.
 * There is no SSO session: every sign-in asks for the password, and prompt=none answers
 * login_required.
 */
export function authorizeGet(ctx: EmulatorContext, state: EntraState) {
  return (req: Request, res: Response): void => {
    let checked: {
      authority: Authority;
      client: EmulatedApp;
      form: OAuthForm;
      redirectUri: string;
    };
    try {
      checked = checkClient(ctx, String(req.params['tenant']), req.query);
    } catch (e) {
      if (!(e instanceof OAuthFailure)) throw e;
      sendErrorPage(res, e);
      return;
    }
    const { authority, client, form, redirectUri } = checked;
    const responseMode = form['response_mode'] === 'form_post' ? 'form_post' : 'query';
    const back = { redirectUri, responseMode, state: optional(form, 'state') } as const;
    try {
      const pending = checkRequest(ctx, authority, client, form, redirectUri, responseMode);
      const id = opaque(24);
      state.pending.set(id, pending);
      res
        .status(200)
        .type('html')
        .set('Cache-Control', 'no-store')
        .send(
          signInPage({
            action: `/${authority.segment}/oauth2/v2.0/authorize`,
            ctx: id,
            appName: client.displayName,
            ...(pending.loginHint !== undefined ? { loginHint: pending.loginHint } : {}),
          }),
        );
    } catch (e) {
      if (!(e instanceof OAuthFailure)) throw e;
      sendBack(res, back, errorParams(e));
    }
  };
}

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

function checkClient(ctx: EmulatorContext, segment: string, query: unknown) {
  const authority = resolveAuthority(ctx.directory, segment);
  const form = parseForm(query);
  const client = appInAuthority(ctx.directory, required(form, 'client_id'), authority);
  const redirectUri = form['redirect_uri'];
  if (redirectUri === undefined || redirectUri === '') {
    throw new OAuthFailure(400, 'invalid_request', 900971, 'No reply address provided.');
  }
  if (!client.redirectUris.includes(redirectUri)) {
    throw new OAuthFailure(
      400,
      'invalid_request',
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    );
  }
  return { authority, client, form, redirectUri };
}

function checkRequest(
  ctx: EmulatorContext,
  authority: Authority,
  client: EmulatedApp,
  form: OAuthForm,
  redirectUri: string,
  responseMode: 'query' | 'form_post',
): PendingSignIn {
  const responseType = required(form, 'response_type');
  if (responseType !== 'code') {
    throw new OAuthFailure(
      400,
      'unsupported_response_type',
      70005,
      `The response type '${responseType}' is not enabled for the application; use 'code'.`,
    );
  }
  const scope = required(form, 'scope');
  parseScopes(scope, ctx.directory);
  const challenge = optional(form, 'code_challenge');
  const method = optional(form, 'code_challenge_method') ?? 'plain';
  if (challenge !== undefined) {
    if (method !== 'S256' && method !== 'plain') {
      throw new OAuthFailure(
        400,
        'invalid_request',
        501491,
        `Invalid code_challenge_method '${method}': use S256 or plain.`,
      );
    }
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) {
      throw new OAuthFailure(
        400,
        'invalid_request',
        501491,
        'Invalid size of Code_Challenge parameter.',
      );
    }
  }
  if (form['prompt'] === 'none') {
    throw new OAuthFailure(
      400,
      'login_required',
      50058,
      'A silent sign-in request was sent but no user is signed in.',
    );
  }
  const pending: PendingSignIn = {
    segment: authority.segment,
    clientId: client.clientId,
    redirectUri,
    scope,
    responseMode,
    createdAt: ctx.clock.now(),
  };
  const state = optional(form, 'state');
  const nonce = optional(form, 'nonce');
  const loginHint = optional(form, 'login_hint');
  if (state !== undefined) pending.state = state;
  if (nonce !== undefined) pending.nonce = nonce;
  if (loginHint !== undefined) pending.loginHint = loginHint;
  if (challenge !== undefined) {
    pending.codeChallenge = challenge;
    pending.codeChallengeMethod = method === 'S256' ? 'S256' : 'plain';
  }
  return pending;
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

const errorParams = (e: OAuthFailure): Record<string, string> => ({
  error: e.suberror === 'consent_required' ? 'consent_required' : e.error,
  error_description: errorDescription(e.aadsts, e.description),
});

function sendBack(
  res: Response,
  back: { redirectUri: string; responseMode: 'query' | 'form_post'; state: string | undefined },
  params: Record<string, string>,
): void {
  const all = { ...params, ...(back.state !== undefined ? { state: back.state } : {}) };
  if (back.responseMode === 'form_post') {
    res
      .status(200)
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(formPostPage(back.redirectUri, all));
    return;
  }
  const url = new URL(back.redirectUri);
  for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
  res.redirect(302, url.toString());
}
