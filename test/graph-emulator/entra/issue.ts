import { randomInt } from 'node:crypto';
import type { EmulatedApp, EmulatedTenant, EmulatedUser } from '../directory';
import type { EmulatorContext } from '../context';
import type { EmulatedClaims } from '../tokens';
import { issuerOf, v1IssuerOf } from './authority';
import { pairwiseSubject, servicePrincipalId } from './ids';
import { GRAPH_RESOURCE, resourcePrefix, type Resource } from './scopes';

/**
 * Token minting. Tokens for Microsoft Graph are v1.0 tokens (Graph accepts v1: `iss`
 * sts.windows.net, `appid`, `upn`); tokens for our own API are v2.0 tokens (the app registration's
 * accessTokenAcceptedVersion: 2), whose `aud` is the API's client id. Claims per
 * https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference and
 * https://learn.microsoft.com/entra/identity-platform/id-token-claims-reference.
 */

/** How the client authenticated: `0` public client, `1` client secret, `2` certificate. */
export type ClientAuthMethod = '0' | '1' | '2';

export interface TokenSubject {
  tenant: EmulatedTenant;
  client: EmulatedApp;
  resource: Resource;
  authMethod: ClientAuthMethod;
  /** Absent for app-only tokens. */
  user?: EmulatedUser;
  scp?: string[];
  roles?: string[];
}

/** App-only tokens live about an hour; delegated ones a random 60–90 minutes (access-tokens). */
function accessLifetime(subject: TokenSubject): number {
  return subject.user ? randomInt(3600, 5401) : 3599;
}

export async function mintAccessToken(
  ctx: EmulatorContext,
  subject: TokenSubject,
): Promise<{ token: string; expiresIn: number }> {
  const { tenant, client, resource, user } = subject;
  const lifetime = accessLifetime(subject);
  const principalId = user?.id ?? servicePrincipalId(tenant.id, client.clientId);
  const common: EmulatedClaims = {
    tid: tenant.id,
    oid: principalId,
    idtyp: user ? 'user' : 'app',
    ...(subject.scp && subject.scp.length > 0 ? { scp: subject.scp.join(' ') } : {}),
    ...(subject.roles && subject.roles.length > 0 ? { roles: subject.roles } : {}),
  };
  const claims: EmulatedClaims =
    resource.kind === 'graph'
      ? {
          ...common,
          aud: GRAPH_RESOURCE,
          iss: v1IssuerOf(tenant.id),
          ver: '1.0',
          appid: client.clientId,
          app_displayname: client.displayName,
          appidacr: subject.authMethod,
          sub: user ? pairwiseSubject(user.id, GRAPH_RESOURCE) : principalId,
          ...(user
            ? {
                upn: user.userPrincipalName,
                unique_name: user.userPrincipalName,
                name: user.displayName,
              }
            : {}),
        }
      : {
          ...common,
          aud: resource.app.clientId,
          iss: issuerOf(ctx.baseUrl, tenant.id),
          ver: '2.0',
          azp: client.clientId,
          azpacr: subject.authMethod,
          sub: user ? pairwiseSubject(user.id, resource.app.clientId) : principalId,
          ...(user ? { preferred_username: user.userPrincipalName, name: user.displayName } : {}),
        };
  return { token: await ctx.signer.sign(claims, lifetime), expiresIn: lifetime };
}

export async function mintIdToken(
  ctx: EmulatorContext,
  tenant: EmulatedTenant,
  client: EmulatedApp,
  user: EmulatedUser,
  nonce: string | undefined,
): Promise<string> {
  return ctx.signer.sign(
    {
      aud: client.clientId,
      iss: issuerOf(ctx.baseUrl, tenant.id),
      ver: '2.0',
      tid: tenant.id,
      oid: user.id,
      sub: pairwiseSubject(user.id, client.clientId),
      preferred_username: user.userPrincipalName,
      name: user.displayName,
      ...(nonce !== undefined ? { nonce } : {}),
    },
    3600,
  );
}

/** MSAL builds its account from client_info: base64url JSON of the user's oid and tenant id. */
export const clientInfo = (user: EmulatedUser): string =>
  Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url');

/** The response's `scope`: the granted permissions, fully qualified (as the docs' examples show). */
export function responseScope(resource: Resource, scp: string[], oidc: Set<string>): string {
  const qualified = scp.map((s) => `${resourcePrefix(resource)}/${s}`);
  return [...qualified, ...[...oidc].filter((s) => s !== 'offline_access')].join(' ');
}
