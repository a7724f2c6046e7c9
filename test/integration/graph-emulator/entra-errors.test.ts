// The emulated Entra ID's refusals, as msal-node surfaces them (ServerError: errorCode = OAuth
// error, errorNo = AADSTS code, subError) or, where MSAL cannot provoke them, as the raw endpoint
// answers them.
import { CryptoProvider } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAppCertificate } from '../../graph-emulator/entra';
import {
  entraWorld,
  getJson,
  msalApp,
  open,
  postToken,
  REDIRECT_URI,
  signIn,
  type EntraWorld,
} from './entra-fixture';

let w: EntraWorld;
beforeAll(async () => {
  w = await entraWorld();
});
afterAll(async () => {
  await w.close();
});

const GRAPH = 'https://graph.microsoft.com';
const appOnly = [`${GRAPH}/.default`];

/** What MSAL's ServerError carries for an AADSTS answer. */
const aadsts = (error: string, code: number, subError?: string) =>
  expect.objectContaining({
    errorCode: error,
    errorNo: code,
    errorMessage: expect.stringContaining(`AADSTS${code}:`),
    ...(subError !== undefined ? { subError } : {}),
  });

/** Runs getAuthCodeUrl → sign-in form → code, returning what MSAL needs to redeem it. */
async function codeFor(scopes: string[], login = 'alice@contoso.example') {
  const pkce = await new CryptoProvider().generatePkceCodes();
  const url = await msalApp(w).getAuthCodeUrl({
    scopes,
    redirectUri: REDIRECT_URI,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
  });
  const back = await signIn(w, url, login);
  const location = new URL(back.location ?? '');
  return { code: location.searchParams.get('code') ?? '', location, verifier: pkce.verifier };
}

async function apiTokenForAlice(): Promise<string> {
  const { code, verifier } = await codeFor([w.apiScope]);
  const result = await msalApp(w).acquireTokenByCode({
    code,
    scopes: [w.apiScope],
    redirectUri: REDIRECT_URI,
    codeVerifier: verifier,
  });
  return result.accessToken;
}

describe('client and tenant', () => {
  it('refuses a wrong client secret (AADSTS7000215, 401 invalid_client)', async () => {
    await expect(
      msalApp(w, { secret: 'not-the-secret' }).acquireTokenByClientCredential({ scopes: appOnly }),
    ).rejects.toEqual(aadsts('invalid_client', 7000215));
  });

  it('refuses an unknown tenant (AADSTS90002); MSAL fails its discovery', async () => {
    const discovery = await getJson(
      w,
      `${w.m365.url}/nowhere.example/v2.0/.well-known/openid-configuration`,
    );
    expect(discovery.status).toBe(400);
    expect(discovery.body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    const token = await postToken(w, 'nowhere.example', {
      grant_type: 'client_credentials',
      client_id: w.ccx.clientId,
      client_secret: 'ccx-secret-value',
      scope: appOnly[0] ?? '',
    });
    expect(token.body).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    await expect(
      msalApp(w, { tenant: 'nowhere.example' }).acquireTokenByClientCredential({ scopes: appOnly }),
    ).rejects.toMatchObject({ errorCode: 'endpoints_resolution_error' });
  });

  it('refuses an app its admin has not installed in the tenant (AADSTS700016)', async () => {
    await expect(
      msalApp(w, { tenant: w.fabrikam.id }).acquireTokenByClientCredential({ scopes: appOnly }),
    ).rejects.toEqual(aadsts('unauthorized_client', 700016));
  });

  it('refuses a single-tenant app outside its tenant (AADSTS700016) and on /organizations (AADSTS50194)', async () => {
    const other = msalApp(w, {
      tenant: w.fabrikam.id,
      clientId: w.singleTenant.clientId,
      secret: 'single-secret',
    });
    await expect(other.acquireTokenByClientCredential({ scopes: appOnly })).rejects.toEqual(
      aadsts('unauthorized_client', 700016),
    );
    const page = await open(
      w,
      `${w.m365.url}/organizations/oauth2/v2.0/authorize?client_id=${w.singleTenant.clientId}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&scope=openid`,
    );
    expect(page.status).toBe(400);
    expect(page.html).toContain('AADSTS50194');
  });

  it('refuses a certificate the app has not registered (AADSTS700027)', async () => {
    const stranger = makeAppCertificate('not registered');
    await expect(
      msalApp(w, { certificate: 'sha256', cert: stranger }).acquireTokenByClientCredential({
        scopes: appOnly,
      }),
    ).rejects.toEqual(aadsts('invalid_client', 700027));
  });
});

describe('scopes and consent', () => {
  it('refuses a client credentials scope that is not /.default (AADSTS1002012, invalid_scope)', async () => {
    await expect(
      msalApp(w).acquireTokenByClientCredential({ scopes: [`${GRAPH}/Presence.Read.All`] }),
    ).rejects.toEqual(aadsts('invalid_scope', 1002012));
  });

  it('refuses a scope our API does not expose (AADSTS70011, invalid_scope)', async () => {
    const assertion = await apiTokenForAlice();
    await expect(
      msalApp(w).acquireTokenOnBehalfOf({
        oboAssertion: assertion,
        scopes: [`api://ccx.example/${w.ccx.clientId}/no_such_scope`],
      }),
    ).rejects.toEqual(aadsts('invalid_scope', 70011));
  });

  it('refuses delegated scopes nobody consented to (AADSTS65001, consent_required)', async () => {
    const assertion = await apiTokenForAlice();
    await expect(
      msalApp(w).acquireTokenOnBehalfOf({
        oboAssertion: assertion,
        scopes: [`${GRAPH}/Calendars.Read`],
      }),
    ).rejects.toEqual(aadsts('invalid_grant', 65001, 'consent_required'));
    const { location } = await codeFor([`${GRAPH}/Calendars.Read`]);
    expect(location.searchParams.get('error')).toBe('consent_required');
    expect(location.searchParams.get('error_description')).toContain('AADSTS65001');
  });

  it('stops refreshing once the admin revokes the consent (AADSTS65001)', async () => {
    const { code, verifier } = await codeFor([w.apiScope]);
    const cca = msalApp(w);
    const first = await cca.acquireTokenByCode({
      code,
      scopes: [w.apiScope],
      redirectUri: REDIRECT_URI,
      codeVerifier: verifier,
    });
    const account = first.account;
    if (!account) throw new Error('no account');
    const saved = w.contoso.grants.get(w.ccx.clientId);
    w.m365.directory.revoke(w.contoso.id, w.ccx.clientId);
    try {
      await expect(
        cca.acquireTokenSilent({ account, scopes: [w.apiScope], forceRefresh: true }),
      ).rejects.toEqual(aadsts('invalid_grant', 65001, 'consent_required'));
    } finally {
      if (saved) w.contoso.grants.set(w.ccx.clientId, saved);
    }
  });
});

describe('authorization codes', () => {
  it('shows an error page, not a redirect, for an unregistered redirect URI (AADSTS50011)', async () => {
    const url = await msalApp(w).getAuthCodeUrl({
      scopes: [w.apiScope],
      redirectUri: 'https://evil.example/cb',
    });
    const page = await open(w, url);
    expect(page.status).toBe(400);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('AADSTS50011');
  });

  it('keeps the user on the sign-in page after a wrong password (AADSTS50126)', async () => {
    const url = await msalApp(w).getAuthCodeUrl({
      scopes: [w.apiScope],
      redirectUri: REDIRECT_URI,
    });
    const page = await signIn(w, url, 'alice@contoso.example', 'wrong');
    expect(page.status).toBe(200);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('AADSTS50126');
  });

  it('answers prompt=none with login_required: there is no SSO session', async () => {
    const url = await msalApp(w).getAuthCodeUrl({
      scopes: [w.apiScope],
      redirectUri: REDIRECT_URI,
      prompt: 'none',
      state: 's1',
    });
    const page = await open(w, url);
    const location = new URL(page.location ?? '');
    expect(location.searchParams.get('error')).toBe('login_required');
    expect(location.searchParams.get('state')).toBe('s1');
  });

  it('refuses a code_verifier that does not match the challenge (AADSTS501481)', async () => {
    const { code } = await codeFor([w.apiScope]);
    const wrong = await new CryptoProvider().generatePkceCodes();
    await expect(
      msalApp(w).acquireTokenByCode({
        code,
        scopes: [w.apiScope],
        redirectUri: REDIRECT_URI,
        codeVerifier: wrong.verifier,
      }),
    ).rejects.toEqual(aadsts('invalid_grant', 501481));
  });

  it('redeems a code once (AADSTS54005) and not after 10 minutes (AADSTS70008)', async () => {
    const { code, verifier } = await codeFor([w.apiScope]);
    const redeem = (c: string, v: string) =>
      msalApp(w).acquireTokenByCode({
        code: c,
        scopes: [w.apiScope],
        redirectUri: REDIRECT_URI,
        codeVerifier: v,
      });
    await expect(redeem(code, verifier)).resolves.toBeTruthy();
    await expect(redeem(code, verifier)).rejects.toEqual(aadsts('invalid_grant', 54005));
    const late = await codeFor([w.apiScope]);
    w.m365.clock.advance(11 * 60_000);
    await expect(redeem(late.code, late.verifier)).rejects.toEqual(aadsts('invalid_grant', 70008));
  });
});

describe('on-behalf-of assertions', () => {
  it('refuses an assertion issued for another audience (AADSTS50013)', async () => {
    const graphToken = await msalApp(w).acquireTokenByClientCredential({
      scopes: appOnly,
      skipCache: true,
    });
    await expect(
      msalApp(w).acquireTokenOnBehalfOf({
        oboAssertion: graphToken?.accessToken ?? '',
        scopes: [`${GRAPH}/Presence.Read.All`],
      }),
    ).rejects.toEqual(aadsts('invalid_grant', 50013));
  });

  it('refuses an expired assertion (AADSTS500133)', async () => {
    const assertion = await apiTokenForAlice();
    w.m365.clock.advance(2 * 3600_000);
    await expect(
      msalApp(w).acquireTokenOnBehalfOf({
        oboAssertion: assertion,
        scopes: [`${GRAPH}/Presence.Read.All`],
      }),
    ).rejects.toEqual(aadsts('invalid_grant', 500133));
  });
});
