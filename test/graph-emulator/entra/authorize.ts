import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import type { EmulatedApp } from '../directory';
import { appInAuthority, resolveAuthority, type Authority } from './authority';
import { OAuthFailure } from './failure';
import { optional, parseForm, required, type OAuthForm } from './form';
import { opaque } from './ids';
import { errorParams, sendBack } from './redirect';
import { sendErrorPage } from './render';
import { parseScopes } from './scopes';
import { signInPage } from './sign-in-page';
import type { EntraState, PendingSignIn } from './state';

/**
 * GET /{tenant}/oauth2/v2.0/authorize: checks the request and serves the sign-in form (sign-in.ts
 * handles its submission).
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
