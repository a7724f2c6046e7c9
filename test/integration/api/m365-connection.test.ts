import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DelegatedGraphTokens, DelegatedSignInRequired } from '@ccx/auth';
import { makeAppCertificate } from '../../graph-emulator/entra';
import { backends } from '../../support/database';
import { signIn } from '../graph-emulator/entra-fixture';
import { clientFor, fieldsOf, type Client } from './support/client';
import {
  callbackPath,
  PUBLIC_BASE,
  secretConnection,
  startM365Api,
  type M365Api,
} from './support/m365';

const PATH = '/v1/m365/connection';

describe.each(backends)('Microsoft 365 connection (%s)', (backend) => {
  let env: M365Api;
  let t: Client;

  beforeAll(async () => {
    env = await startM365Api(backend);
    t = clientFor(env.api, await env.api.createTenant('contoso'));
  });
  afterAll(async () => {
    await env?.close();
  });

  const storedRow = async () => {
    const { rows } = await env.api.db.pool.query<Record<string, string | null>>(
      `select * from m365_connections where tenant_id = 'contoso'`,
    );
    return rows[0];
  };

  it('answers 404 before a connection exists', async () => {
    const res = await t.get(PATH);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('stores a client secret sealed, never shows it, and shows its last 4 characters', async () => {
    const secret = 'a-secret-only-contoso-knows-Q7wZ';
    const res = await t.put(PATH, secretConnection(env.w, secret));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      entraTenantId: env.w.contoso.id,
      clientId: env.w.ccx.clientId,
      credential: { kind: 'secret', hint: '…Q7wZ' },
      status: 'pending-consent',
      serviceSignIn: null,
    });
    expect(res.text).not.toContain(secret.slice(0, 12));
    expect((await t.get(PATH)).text).not.toContain(secret.slice(0, 12));
    const row = await storedRow();
    expect(JSON.stringify(row)).not.toContain(secret.slice(0, 12));
    expect(row?.['credential_ciphertext']).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('takes a certificate: shows its SHA-256 thumbprint, never the private key', async () => {
    const cert = makeAppCertificate('contoso connection');
    const res = await t.put(PATH, {
      entraTenantId: env.w.contoso.id,
      clientId: env.w.ccx.clientId,
      credential: {
        kind: 'certificate',
        privateKeyPem: cert.privateKeyPem,
        certificatePem: cert.certPem,
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.credential).toEqual({ kind: 'certificate', hint: cert.thumbprintSha256 });
    const keyBody = cert.privateKeyPem.split('\n')[2] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    expect(res.text).not.toContain(keyBody);
    expect(JSON.stringify(await storedRow())).not.toContain(keyBody);
  });

  it("refuses a private key that is not the certificate's, naming the field", async () => {
    const one = makeAppCertificate('one');
    const two = makeAppCertificate('two');
    const res = await t.put(PATH, {
      ...secretConnection(env.w),
      credential: {
        kind: 'certificate',
        privateKeyPem: two.privateKeyPem,
        certificatePem: one.certPem,
      },
    });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['credential.privateKeyPem']);
  });

  it('keeps an Entra tenant to one of our tenants (409 naming entraTenantId)', async () => {
    const other = clientFor(env.api, await env.api.createTenant('contoso-copy'));
    const res = await other.put(PATH, secretConnection(env.w));
    expect(res.status).toBe(409);
    expect(fieldsOf(res.body)).toEqual(['entraTenantId']);
  });

  it('tests the credential with MSAL: success with the right secret, AADSTS7000215 with a wrong one', async () => {
    await t.put(PATH, secretConnection(env.w, 'not-the-right-secret'));
    const wrong = await t.post(`${PATH}/test`);
    expect(wrong.status, wrong.text).toBe(200);
    expect(wrong.body).toMatchObject({ ok: false, error: { code: 'AADSTS7000215' } });
    expect((await t.get(PATH)).body).toMatchObject({
      status: 'failed',
      statusDetail: expect.stringMatching(/^AADSTS7000215: /) as unknown,
    });

    await t.put(PATH, secretConnection(env.w));
    const right = await t.post(`${PATH}/test`);
    expect(right.body).toEqual({
      ok: true,
      applicationPermissions: ['Presence.Read.All'],
      error: null,
    });
    expect((await t.get(PATH)).body).toMatchObject({ status: 'connected', statusDetail: null });
  });

  it('tests a certificate credential the same way', async () => {
    const res = await t.put(PATH, {
      ...secretConnection(env.w),
      credential: {
        kind: 'certificate',
        privateKeyPem: env.w.cert.privateKeyPem,
        certificatePem: env.w.cert.certPem,
      },
    });
    expect(res.status, res.text).toBe(200);
    expect((await t.post(`${PATH}/test`)).body).toMatchObject({ ok: true });
    await t.put(PATH, secretConnection(env.w));
  });

  it('gives the admin-consent URL and records consent only with the state it issued', async () => {
    const res = await t.get(`${PATH}/admin-consent`);
    expect(res.status, res.text).toBe(200);
    const url = new URL(res.body.url as string);
    expect(`${url.origin}${url.pathname}`).toBe(
      `${env.w.m365.url}/${env.w.contoso.id}/v2.0/adminconsent`,
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: env.w.ccx.clientId,
      scope: 'https://graph.microsoft.com/.default',
      redirect_uri: `${PUBLIC_BASE}/v1/m365/consent/callback`,
      state: expect.stringMatching(/^[\w-]{43}$/) as unknown,
    });
    const state = url.searchParams.get('state') ?? '';
    const back = (query: Record<string, string>) =>
      env.api.http().get('/v1/m365/consent/callback').query(query);

    const forged = await back({ admin_consent: 'True', tenant: env.w.contoso.id, state: 'forged' });
    expect(forged.status).toBe(400);
    expect(fieldsOf(forged.body)).toEqual(['state']);

    const ok = await back({ admin_consent: 'True', tenant: env.w.contoso.id, state });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({
      status: 'connected',
      consentedAt: expect.any(String) as unknown,
    });

    const replayed = await back({ admin_consent: 'True', tenant: env.w.contoso.id, state });
    expect(replayed.status).toBe(400);
  });

  it('records a refused consent as failed with Entra ID’s reason', async () => {
    const state =
      new URL((await t.get(`${PATH}/admin-consent`)).body.url as string).searchParams.get(
        'state',
      ) ?? '';
    const res = await env.api.http().get('/v1/m365/consent/callback').query({
      error: 'access_denied',
      error_description: 'AADSTS65004: User declined to consent to access the app.',
      state,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'failed',
      statusDetail: expect.stringContaining('AADSTS65004') as unknown,
    });
  });

  it('signs the service account in (auth code + PKCE), seals MSAL’s cache, and serves delegated tokens from it', async () => {
    const start = await t.post(`${PATH}/service-sign-in`);
    expect(start.status, start.text).toBe(200);
    const authorize = new URL(start.body.url as string);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(
      `${PUBLIC_BASE}/v1/m365/service-sign-in/callback`,
    );

    const page = await signIn(env.w, start.body.url as string, env.w.alice.userPrincipalName);
    expect(page.status).toBe(302);
    const done = await env.api.http().get(callbackPath(page.location));
    expect(done.status, done.text).toBe(200);
    expect(done.body.serviceSignIn).toMatchObject({ username: env.w.alice.userPrincipalName });
    const row = await storedRow();
    expect(row?.['delegated_cache_ciphertext']).toMatch(/^v1\./);
    expect(row?.['delegated_cache_ciphertext']).not.toContain('RefreshToken');

    const tokens = env.api.app.get(DelegatedGraphTokens);
    const token = await tokens.token('contoso');
    const claims = decodeJwt(token.accessToken);
    expect(claims['aud']).toBe('https://graph.microsoft.com');
    expect(claims['oid']).toBe(env.w.alice.id);
    expect(String(claims['scp']).split(' ')).toEqual(
      expect.arrayContaining(['Presence.Read.All', 'Presence.ReadWrite']),
    );

    const replay = await env.api.http().get(callbackPath(page.location));
    expect(replay.status).toBe(400);
  });

  it('redeems the refresh token for new scopes, stores the new cache, and asks for a new sign-in once it expires', async () => {
    const tokens = env.api.app.get(DelegatedGraphTokens);
    const before = (await storedRow())?.['delegated_cache_ciphertext'];
    const userRead = await tokens.token('contoso', ['https://graph.microsoft.com/User.Read']);
    expect(decodeJwt(userRead.accessToken)['scp']).toBe('User.Read');
    expect((await storedRow())?.['delegated_cache_ciphertext']).not.toBe(before);

    await expect(tokens.token('contoso-copy')).rejects.toBeInstanceOf(DelegatedSignInRequired);

    // Refresh tokens of confidential clients die after 90 days without use.
    env.w.m365.directory.grant(env.w.contoso.id, env.w.ccx.clientId, {
      delegatedScopes: ['Calendars.Read'],
    });
    env.w.m365.clock.advance(91 * 24 * 3600_000);
    const expired = await tokens
      .token('contoso', ['https://graph.microsoft.com/Calendars.Read'])
      .catch((e: unknown) => e);
    expect(expired).toBeInstanceOf(DelegatedSignInRequired);
    expect((expired as Error).message).toContain('AADSTS700082');
  });

  it('deletes the connection', async () => {
    expect((await t.delete(PATH)).status).toBe(204);
    expect((await t.get(PATH)).status).toBe(404);
    expect(await storedRow()).toBeUndefined();
  });
});
