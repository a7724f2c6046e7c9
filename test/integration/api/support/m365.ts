import type { EmulatedClaims } from '../../../graph-emulator';
import { startTestApi, type TestApi } from '../../../support/api';
import type { Backend } from '../../../support/database';
import { entraWorld, type EntraWorld } from '../../graph-emulator/entra-fixture';

/** Where the API says it lives (M365_REDIRECT_BASE_URL); registered on the emulated app. */
export const PUBLIC_BASE = 'https://ccx.example';

export interface M365Api {
  w: EntraWorld;
  api: TestApi;
  close(): Promise<void>;
}

/**
 * The real API pointed at the Microsoft 365 emulator's Entra ID (M365_AUTHORITY, the emulator's
 * CA as M365_EXTRA_CA_FILE), accepting tokens for the emulated `ccx` app registration.
 */
export async function startM365Api(
  backend: Backend,
  options: { graph?: boolean } = {},
): Promise<M365Api> {
  const w = await entraWorld(options);
  for (const path of ['consent', 'service-sign-in', 'sign-in']) {
    w.ccx.redirectUris.push(`${PUBLIC_BASE}/v1/m365/${path}/callback`);
  }
  const api = await startTestApi(backend, {
    M365_AUTHORITY: w.m365.url,
    M365_EXTRA_CA_FILE: w.m365.caPath,
    M365_API_AUDIENCES: `${w.ccx.clientId},api://ccx.example/${w.ccx.clientId}`,
    M365_REDIRECT_BASE_URL: PUBLIC_BASE,
  });
  return {
    w,
    api,
    close: async () => {
      await api.close();
      await w.close();
    },
  };
}

/** A connection body for the emulated app in `w.contoso` (or another Entra tenant). */
export const secretConnection = (
  w: EntraWorld,
  secret = 'ccx-secret-value',
  tid = w.contoso.id,
) => ({
  entraTenantId: tid,
  clientId: w.ccx.clientId,
  credential: { kind: 'secret', secret },
});

/**
 * An access token for our API as Entra ID signs it (v2.0: aud = our client id, iss per tenant),
 * for a user of `tid` with `roles`; `over` replaces any claim. `lifetime` may be negative.
 */
export function apiToken(
  w: EntraWorld,
  user: { id: string; tenantId: string; userPrincipalName: string },
  roles: string[],
  over: Partial<EmulatedClaims> = {},
  lifetime = 3600,
): Promise<string> {
  return w.m365.signer.sign(
    {
      aud: w.ccx.clientId,
      iss: `${w.m365.url}/${user.tenantId}/v2.0`,
      ver: '2.0',
      tid: user.tenantId,
      oid: user.id,
      sub: user.id,
      idtyp: 'user',
      azp: w.ccx.clientId,
      scp: 'access_as_user',
      preferred_username: user.userPrincipalName,
      roles,
      ...over,
    },
    lifetime,
  );
}

/** The API path and query of a redirect Entra ID sent to our public base URL. */
export function callbackPath(location: string | undefined): string {
  if (!location) throw new Error('Entra ID did not redirect');
  const url = new URL(location);
  if (url.origin !== PUBLIC_BASE) throw new Error(`redirected elsewhere: ${location}`);
  return `${url.pathname}${url.search}`;
}
