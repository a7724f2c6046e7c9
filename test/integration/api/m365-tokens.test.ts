import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedUser } from '../../graph-emulator';
import { backends } from '../../support/database';
import { signIn } from '../graph-emulator/entra-fixture';
import { clientFor, fieldsOf, type Client } from './support/client';
import { startRoutingStub } from './support/routing-stub';
import {
  apiToken,
  callbackPath,
  secretConnection,
  startM365Api,
  type M365Api,
} from './support/m365';

const bearer = (env: M365Api, token: string): Client => clientFor(env.api, token);

describe.each(backends)('Entra ID tokens on the API (%s)', (backend) => {
  let env: M365Api;
  let contoso: Client;
  let admin: EmulatedUser;
  let supervisor: EmulatedUser;
  let aliceAgentId: string;
  let carolAgentId: string;

  beforeAll(async () => {
    env = await startM365Api(backend);
    const { w } = env;
    contoso = clientFor(env.api, await env.api.createTenant('contoso'));
    expect((await contoso.put('/v1/m365/connection', secretConnection(w))).status).toBe(200);
    admin = w.m365.directory.addUser(w.contoso.id, { userPrincipalName: 'root@contoso.example' });
    supervisor = w.m365.directory.addUser(w.contoso.id, {
      userPrincipalName: 'sue@contoso.example',
    });
    w.m365.directory.assignRole(w.contoso.id, w.ccx.clientId, admin.id, 'admin');
    w.m365.directory.assignRole(w.contoso.id, w.ccx.clientId, supervisor.id, 'supervisor');
    const agent = async (displayName: string, upn: string) => {
      const res = await contoso.post('/v1/agents', { displayName, upn });
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    aliceAgentId = await agent('Alice', w.alice.userPrincipalName);
    carolAgentId = await agent('Carol', 'carol@contoso.example');
  });
  afterAll(async () => {
    await env?.close();
  });

  const refusal = (res: {
    status: number;
    body: { detail?: string };
    headers: Record<string, string>;
  }) => ({
    status: res.status,
    type: res.headers['content-type']?.split(';')[0],
    detail: res.body.detail,
  });

  it('refuses an expired token (401, "expired")', async () => {
    const token = await apiToken(env.w, env.w.alice, ['agent'], {}, -600);
    const res = await bearer(env, token).get(`/v1/agents/${aliceAgentId}`);
    expect(refusal(res)).toEqual({
      status: 401,
      type: 'application/problem+json',
      detail: expect.stringContaining('(expired)') as unknown,
    });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('refuses a tampered token (401, "bad-signature"): roles cannot be edited', async () => {
    const token = await apiToken(env.w, env.w.alice, ['agent']);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
      'base64url',
    );
    const res = await bearer(env, `${header}.${forged}.${signature}`).get('/v1/sites');
    expect(refusal(res)).toMatchObject({
      status: 401,
      detail: expect.stringContaining('(bad-signature)'),
    });
  });

  it('refuses a token for another audience (401, "wrong-audience")', async () => {
    const token = await apiToken(env.w, env.w.alice, ['admin'], {
      aud: 'https://graph.microsoft.com',
    });
    const res = await bearer(env, token).get('/v1/sites');
    expect(refusal(res)).toMatchObject({
      status: 401,
      detail: expect.stringContaining('(wrong-audience)'),
    });
  });

  it('refuses a token of an Entra tenant connected to no tenant (403, "unknown-tenant")', async () => {
    const token = await apiToken(env.w, env.w.bob, ['admin']);
    const res = await bearer(env, token).get('/v1/sites');
    expect(refusal(res)).toMatchObject({
      status: 403,
      detail: expect.stringContaining('(unknown-tenant)'),
    });
  });

  it("keeps a connected tenant's users out of other tenants", async () => {
    const fabrikam = clientFor(env.api, await env.api.createTenant('fabrikam'));
    await fabrikam.put(
      '/v1/m365/connection',
      secretConnection(env.w, 'ccx-secret-value', env.w.fabrikam.id),
    );
    await fabrikam.post('/v1/sites', { name: 'fabrikam hq', kind: 'central', country: 'FR' });
    const bob = bearer(env, await apiToken(env.w, env.w.bob, ['admin']));
    const sites = await bob.get('/v1/sites');
    expect(sites.status, sites.text).toBe(200);
    expect((sites.body.items as { name: string }[]).map((s) => s.name)).toEqual(['fabrikam hq']);
    expect((await bob.get(`/v1/agents/${aliceAgentId}`)).status).toBe(404);
    const named = await bob.get('/v1/sites?tenantId=contoso');
    expect(named.status).toBe(400);
    expect(fieldsOf(named.body)).toContain('tenantId');
  });

  it('refuses a user holding none of our roles (403, "no-role")', async () => {
    const res = await bearer(env, await apiToken(env.w, env.w.alice, [])).get('/v1/sites');
    expect(refusal(res)).toMatchObject({
      status: 403,
      detail: expect.stringContaining('(no-role)'),
    });
  });

  it('gives an agent its own agent only', async () => {
    const alice = bearer(env, await apiToken(env.w, env.w.alice, ['agent']));
    const own = await alice.get(`/v1/agents/${aliceAgentId}`);
    expect(own.status, own.text).toBe(200);
    expect(own.body.upn).toBe(env.w.alice.userPrincipalName);
    expect((await alice.get(`/v1/agents/${carolAgentId}`)).status).toBe(403);
    expect((await alice.get('/v1/agents')).status).toBe(403);
    expect((await alice.get('/v1/sites')).status).toBe(403);
    expect(
      (await alice.patch(`/v1/agents/${aliceAgentId}`, { capacity: { voice: 1, chat: 5 } })).status,
    ).toBe(403);
    expect((await alice.get('/v1/m365/connection')).status).toBe(403);
    expect((await alice.get('/v1/api-keys')).status).toBe(403);
  });

  it("lets an agent change its own state, a supervisor anyone's, through the routing service", async () => {
    const stub = await startRoutingStub(env.api.config.BUS_PREFIX);
    try {
      const alice = bearer(env, await apiToken(env.w, env.w.alice, ['agent']));
      const own = await alice.put(`/v1/agents/${aliceAgentId}/state`, { state: 'available' });
      expect(own.status, own.text).toBe(200);
      const other = await alice.put(`/v1/agents/${carolAgentId}/state`, { state: 'available' });
      expect(other.status).toBe(403);
      const sue = bearer(env, await apiToken(env.w, supervisor, ['supervisor']));
      const managed = await sue.put(`/v1/agents/${carolAgentId}/state`, { state: 'not-ready' });
      expect(managed.status, managed.text).toBe(200);
      expect(stub.requests.map((r) => r.name)).toEqual([
        'routing.agent-state',
        'routing.agent-state',
      ]);
    } finally {
      await stub.close();
    }
  });

  it('lets a supervisor read everything and change queues, not the rest', async () => {
    const sue = bearer(env, await apiToken(env.w, supervisor, ['supervisor']));
    expect((await sue.get('/v1/agents')).status).toBe(200);
    expect((await sue.get(`/v1/agents/${carolAgentId}`)).status).toBe(200);
    const queue = await contoso.post('/v1/queues', {
      name: 'sales',
      method: 'longest-idle',
      maxWaitSeconds: 60,
    });
    expect(queue.status, queue.text).toBe(201);
    const renamed = await sue.patch(`/v1/queues/${queue.body.id as string}`, {
      maxWaitSeconds: 600,
    });
    expect(renamed.status, renamed.text).toBe(200);
    const site = await sue.post('/v1/sites', { name: 'x', kind: 'branch', country: 'DE' });
    expect(site.status).toBe(403);
    expect(site.body.detail).toContain('config:write');
    expect((await sue.get('/v1/api-keys')).status).toBe(403);
  });

  it('lets an admin manage the tenant, but not operator routes', async () => {
    const root = bearer(env, await apiToken(env.w, admin, ['admin']));
    expect(
      (await root.post('/v1/sites', { name: 'paris', kind: 'branch', country: 'FR' })).status,
    ).toBe(201);
    expect((await root.get('/v1/m365/connection')).status).toBe(200);
    const key = await root.post('/v1/api-keys', { name: 'from admin', scopes: ['config:read'] });
    expect(key.status, key.text).toBe(201);
    expect((await root.get('/v1/tenants')).status).toBe(403);
  });

  it('signs an agent in with Microsoft 365 (auth code + PKCE) and accepts the token it gets', async () => {
    const start = await env.api.http().get('/v1/m365/sign-in').query({ tenant: 'contoso' });
    expect(start.status, start.text).toBe(200);
    const page = await signIn(env.w, start.body.url as string, env.w.alice.userPrincipalName);
    expect(page.status, page.html.slice(0, 300)).toBe(302);
    const done = await env.api.http().get(callbackPath(page.location));
    expect(done.status, done.text).toBe(200);
    expect(done.body.user).toEqual({
      id: env.w.alice.id,
      username: env.w.alice.userPrincipalName,
      roles: ['agent'],
    });
    const alice = bearer(env, done.body.accessToken as string);
    expect((await alice.get(`/v1/agents/${aliceAgentId}`)).status).toBe(200);
    expect((await alice.get('/v1/sites')).status).toBe(403);
  });

  it('refuses a sign-in callback with a state it did not issue', async () => {
    const res = await env.api
      .http()
      .get('/v1/m365/sign-in/callback')
      .query({ code: 'x', state: 'forged' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['state']);
  });

  it('takes a Teams tab SSO token and trades it on-behalf-of for Graph', async () => {
    const sso = await apiToken(env.w, env.w.alice, ['agent'], { azp: env.w.teamsTab.clientId });
    const res = await env.api.http().post('/v1/m365/teams-sso').send({ token: sso });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      user: { id: env.w.alice.id, roles: ['agent'] },
      scopes: [],
      graph: { ok: true, error: null, consentRequired: false },
    });
    const expired = await apiToken(env.w, env.w.alice, ['agent'], {}, -600);
    const refused = await env.api.http().post('/v1/m365/teams-sso').send({ token: expired });
    expect(refused.status).toBe(401);
  });

  it('reports consent_required when the tenant has not consented to the Graph scope', async () => {
    env.w.m365.directory.revoke(env.w.contoso.id, env.w.ccx.clientId);
    env.w.m365.directory.grant(env.w.contoso.id, env.w.ccx.clientId, {
      delegatedScopes: ['access_as_user'],
    });
    const sso = await apiToken(env.w, env.w.alice, ['agent']);
    const res = await env.api.http().post('/v1/m365/teams-sso').send({ token: sso });
    expect(res.status, res.text).toBe(200);
    expect(res.body.graph).toMatchObject({
      ok: false,
      consentRequired: true,
      error: { code: 'AADSTS65001' },
    });
  });

  it('still accepts API keys', async () => {
    expect((await contoso.get('/v1/sites')).status).toBe(200);
  });
});
