import type { Request, Response } from 'express';
import type { EmulatorContext } from '../context';
import { issuerOf, resolveAuthority } from './authority';
import { sendFailure } from './render';

/**
 * OpenID Connect discovery and signing keys.
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
 * For a tenant the endpoints and issuer name the tenant id (even when asked by domain); for
 * /common and /organizations the issuer keeps the `{tenantid}` placeholder, to be replaced by the
 * token's `tid`. MSAL configured with `knownAuthorities: [host]` trusts the host and makes no
 * instance-discovery call; /common/discovery/instance is served anyway for clients that do.
 */
export function openIdConfiguration(ctx: EmulatorContext) {
  return (req: Request, res: Response): void => {
    try {
      const authority = resolveAuthority(ctx.directory, String(req.params['tenant']));
      const path = authority.kind === 'tenant' ? authority.tenant.id : authority.segment;
      const base = `${ctx.baseUrl}/${path}`;
      res.set('Cache-Control', 'max-age=86400, private').json({
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: issuerOf(
          ctx.baseUrl,
          authority.kind === 'tenant' ? authority.tenant.id : '{tenantid}',
        ),
        request_uri_parameter_supported: false,
        userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: [
          'sub',
          'iss',
          'aud',
          'exp',
          'iat',
          'auth_time',
          'acr',
          'nonce',
          'preferred_username',
          'name',
          'tid',
          'ver',
          'at_hash',
          'c_hash',
          'email',
        ],
        code_challenge_methods_supported: ['plain', 'S256'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      });
    } catch (e) {
      sendFailure(res, e);
    }
  };
}

export function keys(ctx: EmulatorContext) {
  return (req: Request, res: Response): void => {
    try {
      resolveAuthority(ctx.directory, String(req.params['tenant']));
      res.set('Cache-Control', 'max-age=86400, private').json(ctx.signer.jwks());
    } catch (e) {
      sendFailure(res, e);
    }
  };
}

/** The instance discovery answer for this host: one cloud, no aliases but itself. */
export function instanceDiscovery(ctx: EmulatorContext) {
  return (_req: Request, res: Response): void => {
    const host = new URL(ctx.baseUrl).host;
    res.json({
      tenant_discovery_endpoint: `${ctx.baseUrl}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  };
}
