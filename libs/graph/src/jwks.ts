import { createRemoteJWKSet, customFetch, type JWTVerifyGetKey } from 'jose';
import { fetch as undiciFetch, type Agent } from 'undici';

/** Entra ID's login host; the emulator's in tests. */
export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';

/**
 * The identity platform's signing keys (JWKS), fetched through our agent and cached by jose (it
 * refetches on an unknown `kid`, at most every 30 s, which covers key rollover).
 * https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens
 */
export function entraJwks(agent: Agent, authority = DEFAULT_AUTHORITY): JWTVerifyGetKey {
  const url = new URL(`${authority.replace(/\/+$/, '')}/common/discovery/v2.0/keys`);
  return createRemoteJWKSet(url, {
    [customFetch]: async (resource: string, init: { headers: Headers; signal: AbortSignal }) =>
      (await undiciFetch(resource, {
        headers: Object.fromEntries(init.headers.entries()),
        signal: init.signal,
        dispatcher: agent,
      })) as unknown as Response,
  });
}

/** The issuers Entra ID uses for a tenant's tokens (v2.0, and v1.0 on the public cloud). */
export function tenantIssuers(tenantId: string, authority = DEFAULT_AUTHORITY): string[] {
  const base = authority.replace(/\/+$/, '');
  const issuers = [`${base}/${tenantId}/v2.0`];
  if (base === DEFAULT_AUTHORITY) issuers.push(`https://sts.windows.net/${tenantId}/`);
  return issuers;
}
