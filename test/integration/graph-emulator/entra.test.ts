// The real @azure/msal-node against the emulated Entra ID: client credentials (secret, certificate),
// auth code + PKCE through the sign-in form, silent refresh once the token expired, on-behalf-of,
// and tokens checked with jose against the published JWKS, across a signing key rotation.
import { CryptoProvider, ResponseMode } from '@azure/msal-node';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  entraWorld,
  getJson,
  msalApp,
  REDIRECT_URI,
  signIn,
  tenantKeys,
  TEAMS_REDIRECT_URI,
  postToken,
  type EntraWorld,
} from './entra-fixture';

let w: EntraWorld;
beforeAll(async () => {
  w = await entraWorld();
});
afterAll(async () => {
  await w.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const GRAPH = 'https://graph.microsoft.com';

/** auth code + PKCE for our API as Alice, through MSAL's getAuthCodeUrl and acquireTokenByCode. */
async function signInAlice(scopes: string[]) {
  const cca = msalApp(w);
  const pkce = await new CryptoProvider().generatePkceCodes();
  const url = await cca.getAuthCodeUrl({
    scopes,
    redirectUri: REDIRECT_URI,
    codeChallenge: pkce.challenge,
    codeChallengeMethod: 'S256',
    state: 'state-123',
    nonce: 'nonce-456',
  });
  const back = await signIn(w, url, 'alice@contoso.example');
  expect(back.status).toBe(302);
  const location = new URL(back.location ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  expect(location.searchParams.get('state')).toBe('state-123');
  const code = location.searchParams.get('code') ?? '';
  const result = await cca.acquireTokenByCode({
    code,
    scopes,
    redirectUri: REDIRECT_URI,
    codeVerifier: pkce.verifier,
    // msal-node 7 rejects an id token whose nonce it was not told to expect (nonce_mismatch).
    nonce: 'nonce-456',
  });
  return { cca, result };
}

describe('discovery', () => {
  it('publishes the tenant issuer and endpoints by tenant id even when asked by domain', async () => {
    const { status, body } = await getJson(
      w,
      `${w.m365.url}/contoso.example/v2.0/.well-known/openid-configuration`,
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: `${w.m365.url}/${w.contoso.id}/v2.0`,
      authorization_endpoint: `${w.m365.url}/${w.contoso.id}/oauth2/v2.0/authorize`,
      token_endpoint: `${w.m365.url}/${w.contoso.id}/oauth2/v2.0/token`,
      jwks_uri: `${w.m365.url}/${w.contoso.id}/discovery/v2.0/keys`,
    });
    const common = await getJson(
      w,
      `${w.m365.url}/organizations/v2.0/.well-known/openid-configuration`,
    );
    expect(common.body).toMatchObject({ issuer: `${w.m365.url}/{tenantid}/v2.0` });
    const keys = await getJson(w, `${w.m365.url}/common/discovery/v2.0/keys`);
    expect((keys.body as { keys: { kid: string; use: string }[] }).keys[0]).toMatchObject({
      use: 'sig',
      kty: 'RSA',
    });
  });
});

describe('client credentials', () => {
  it('gives an app-only Graph token with the consented application permissions (client secret)', async () => {
    const result = await msalApp(w).acquireTokenByClientCredential({
      scopes: [`${GRAPH}/.default`],
    });
    const { payload } = await jwtVerify(result?.accessToken ?? '', await tenantKeys(w), {
      issuer: `https://sts.windows.net/${w.contoso.id}/`,
      audience: GRAPH,
    });
    expect(payload).toMatchObject({
      tid: w.contoso.id,
      appid: w.ccx.clientId,
      appidacr: '1',
      idtyp: 'app',
      roles: ['Presence.Read.All'],
    });
    expect(payload['scp']).toBeUndefined();
  });

  it.each(['sha256', 'sha1'] as const)(
    'authenticates with a certificate (%s thumbprint)',
    async (kind) => {
      const result = await msalApp(w, { certificate: kind }).acquireTokenByClientCredential({
        scopes: [`${GRAPH}/.default`],
      });
      const { payload } = await jwtVerify(result?.accessToken ?? '', await tenantKeys(w), {
        audience: GRAPH,
      });
      expect(payload).toMatchObject({
        appid: w.ccx.clientId,
        appidacr: '2',
        roles: ['Presence.Read.All'],
      });
    },
  );

  it('verifies tokens signed before and after a key rotation with the published JWKS', async () => {
    const before = await msalApp(w).acquireTokenByClientCredential({
      scopes: [`${GRAPH}/.default`],
    });
    const oldKid = decodeProtectedHeader(before?.accessToken ?? '').kid;
    const newKid = await w.m365.signer.rotate();
    const after = await msalApp(w).acquireTokenByClientCredential({
      scopes: [`${GRAPH}/.default`],
    });
    expect(decodeProtectedHeader(after?.accessToken ?? '').kid).toBe(newKid);
    expect(newKid).not.toBe(oldKid);
    const keys = await tenantKeys(w);
    await expect(
      jwtVerify(after?.accessToken ?? '', keys, { audience: GRAPH }),
    ).resolves.toBeTruthy();
    await expect(
      jwtVerify(before?.accessToken ?? '', keys, { audience: GRAPH }),
    ).resolves.toBeTruthy();
  });
});

describe('authorization code with PKCE', () => {
  it('signs Alice in and gives a v2 token for our API with her app roles, an id token and an account', async () => {
    const { result } = await signInAlice([w.apiScope]);
    const { payload } = await jwtVerify(result.accessToken, await tenantKeys(w), {
      issuer: `${w.m365.url}/${w.contoso.id}/v2.0`,
      audience: w.ccx.clientId,
    });
    expect(payload).toMatchObject({
      ver: '2.0',
      tid: w.contoso.id,
      oid: w.alice.id,
      azp: w.ccx.clientId,
      scp: 'access_as_user',
      roles: ['agent'],
      preferred_username: 'alice@contoso.example',
    });
    expect(result.idTokenClaims).toMatchObject({
      aud: w.ccx.clientId,
      nonce: 'nonce-456',
      oid: w.alice.id,
    });
    expect(result.account).toMatchObject({
      homeAccountId: `${w.alice.id}.${w.contoso.id}`,
      tenantId: w.contoso.id,
      username: 'alice@contoso.example',
    });
    const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
    expect(lifetime).toBeGreaterThanOrEqual(3600);
    expect(lifetime).toBeLessThanOrEqual(5400);
  });

  it('refreshes silently with the refresh token once the access token has expired', async () => {
    const { cca, result } = await signInAlice([`${GRAPH}/Presence.Read.All`]);
    const account = result.account;
    if (!account) throw new Error('no account');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 2 * 3600_000 });
    await expect(w.m365.signer.verify(result.accessToken, GRAPH)).rejects.toThrow(/exp/);
    const refreshed = await cca.acquireTokenSilent({
      account,
      scopes: [`${GRAPH}/Presence.Read.All`],
    });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    const claims = await w.m365.signer.verify(refreshed.accessToken, GRAPH);
    expect(claims).toMatchObject({
      scp: 'Presence.Read.All',
      upn: 'alice@contoso.example',
      idtyp: 'user',
    });
  });
});

describe('delegated service sign-in kept across restarts', () => {
  it('refreshes from a serialized MSAL cache in a new process, and from a bare refresh token', async () => {
    const scopes = [`${GRAPH}/Presence.ReadWrite`];
    const { cca } = await signInAlice(scopes);
    const serialized = cca.getTokenCache().serialize();
    const refreshToken = Object.values(
      (JSON.parse(serialized) as { RefreshToken: Record<string, { secret: string }> }).RefreshToken,
    )[0]?.secret;
    expect(refreshToken).toBeTruthy();

    const restarted = msalApp(w);
    restarted.getTokenCache().deserialize(serialized);
    const [account] = await restarted.getTokenCache().getAllAccounts();
    if (!account) throw new Error('no account in the restored cache');
    const silent = await restarted.acquireTokenSilent({ account, scopes, forceRefresh: true });
    expect(await w.m365.signer.verify(silent.accessToken, GRAPH)).toMatchObject({
      scp: 'Presence.ReadWrite',
      oid: w.alice.id,
    });

    const byRefresh = await msalApp(w).acquireTokenByRefreshToken({
      refreshToken: refreshToken ?? '',
      scopes,
    });
    expect(byRefresh?.accessToken).toBeTruthy();
  });

  it('posts the code back with response_mode=form_post', async () => {
    const url = await msalApp(w).getAuthCodeUrl({
      scopes: [w.apiScope],
      redirectUri: REDIRECT_URI,
      responseMode: ResponseMode.FORM_POST,
      state: 'fp',
    });
    const page = await signIn(w, url, 'alice@contoso.example');
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<form method="post" action="${REDIRECT_URI}">`);
    expect(page.html).toMatch(/name="code" value="[^"]+"/);
    expect(page.html).toContain('name="state" value="fp"');
  });
});

describe('multi-tenant sign-in', () => {
  it('signs a user in through /organizations into their own tenant', async () => {
    const cca = msalApp(w, { tenant: 'organizations' });
    w.m365.directory.grant(w.fabrikam.id, w.ccx.clientId, { delegatedScopes: ['access_as_user'] });
    const pkce = await new CryptoProvider().generatePkceCodes();
    const url = await cca.getAuthCodeUrl({
      scopes: [w.apiScope],
      redirectUri: REDIRECT_URI,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: 'S256',
    });
    expect(url.startsWith(`${w.m365.url}/organizations/oauth2/v2.0/authorize?`)).toBe(true);
    const back = await signIn(w, url, 'bob@fabrikam.example');
    const code = new URL(back.location ?? '').searchParams.get('code') ?? '';
    const result = await cca.acquireTokenByCode({
      code,
      scopes: [w.apiScope],
      redirectUri: REDIRECT_URI,
      codeVerifier: pkce.verifier,
    });
    const { payload } = await jwtVerify(result.accessToken, await tenantKeys(w, w.fabrikam.id), {
      issuer: `${w.m365.url}/${w.fabrikam.id}/v2.0`,
      audience: w.ccx.clientId,
    });
    expect(payload).toMatchObject({ tid: w.fabrikam.id, oid: w.bob.id, scp: 'access_as_user' });
    expect(payload['roles']).toBeUndefined();
    w.m365.directory.revoke(w.fabrikam.id, w.ccx.clientId);
  });
});

describe('on-behalf-of', () => {
  it('trades a Teams tab token for our API into a delegated Graph token for the same user', async () => {
    // The Teams tab (a public client) signs Alice in for our API, as Teams SSO would.
    const pkce = await new CryptoProvider().generatePkceCodes();
    const authorize = new URL(`${w.m365.url}/${w.contoso.id}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({
      client_id: w.teamsTab.clientId,
      response_type: 'code',
      redirect_uri: TEAMS_REDIRECT_URI,
      scope: `${w.apiScope} openid`,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    })) {
      authorize.searchParams.set(k, v);
    }
    const back = await signIn(w, authorize.toString(), 'alice@contoso.example');
    const code = new URL(back.location ?? '').searchParams.get('code') ?? '';
    const tabToken = await postToken(w, w.contoso.id, {
      grant_type: 'authorization_code',
      client_id: w.teamsTab.clientId,
      code,
      redirect_uri: TEAMS_REDIRECT_URI,
      code_verifier: pkce.verifier,
      scope: w.apiScope,
    });
    expect(tabToken.status).toBe(200);
    expect(tabToken.body['scope']).toBe(`${w.apiScope} openid`);
    expect(tabToken.body['refresh_token']).toBeUndefined();
    const assertion = String(tabToken.body['access_token']);

    const obo = await msalApp(w).acquireTokenOnBehalfOf({
      oboAssertion: assertion,
      scopes: [`${GRAPH}/Presence.Read.All`],
    });
    const { payload } = await jwtVerify(obo?.accessToken ?? '', await tenantKeys(w), {
      audience: GRAPH,
    });
    expect(payload).toMatchObject({
      idtyp: 'user',
      oid: w.alice.id,
      upn: 'alice@contoso.example',
      appid: w.ccx.clientId,
      scp: 'Presence.Read.All',
    });
  });
});
