import express from 'express';
import type { EmulatorPart } from '../context';
import { authorizeGet } from './authorize';
import { authorizePost } from './sign-in';
import { instanceDiscovery, keys, openIdConfiguration } from './discovery';
import { OAuthFailure } from './failure';
import { sendFailure } from './render';
import { EntraState } from './state';
import { tokenEndpoint } from './token';

/**
 * Entra ID, the Microsoft identity platform's v2.0 endpoints, per tenant path segment (tenant id,
 * verified domain, `organizations` or `common`): OpenID discovery, JWKS, authorize (with a sign-in
 * form) and token (client credentials, authorization code with PKCE, refresh token, on-behalf-of).
 * See docs/graph-emulator.md, section "Entra ID".
 */
export const mountEntra: EmulatorPart = (router, ctx) => {
  const state = new EntraState();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  router.get('/common/discovery/instance', instanceDiscovery(ctx));
  router.get('/:tenant/v2.0/.well-known/openid-configuration', openIdConfiguration(ctx));
  router.get('/:tenant/discovery/v2.0/keys', keys(ctx));
  router.get('/:tenant/oauth2/v2.0/authorize', authorizeGet(ctx, state));
  router.post('/:tenant/oauth2/v2.0/authorize', form, authorizePost(ctx, state));
  router.post('/:tenant/oauth2/v2.0/token', form, tokenEndpoint(ctx, state));
  router.get('/:tenant/oauth2/v2.0/token', (_req, res) =>
    sendFailure(
      res,
      new OAuthFailure(
        400,
        'invalid_request',
        900561,
        'The endpoint only accepts POST requests. Received a GET request.',
      ),
    ),
  );
  router.get('/:tenant/oauth2/v2.0/logout', (req, res) => {
    const target = req.query['post_logout_redirect_uri'];
    if (typeof target === 'string' && /^https?:\/\//.test(target)) res.redirect(302, target);
    else
      res
        .type('html')
        .send('<!doctype html><title>Signed out</title><p>You signed out of your account.</p>');
  });
};

export { addCertificate, makeAppCertificate, type AppCertificate } from './certificates';
