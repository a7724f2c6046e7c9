// A small directory for the Entra ID tests: two tenants, our multi-tenant app (secret and
// certificate, an API with access_as_user and app roles), a Teams-tab-like public client whose
// tokens our API trades through on-behalf-of, a single-tenant app, and helpers that drive the
// sign-in page over plain HTTP as a browser would.
import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { httpAgent, msalNetworkClient } from '@ccx/graph';
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { request, type Agent } from 'undici';
import { startGraphEmulator, type GraphEmulator } from '../../graph-emulator';
import type { EmulatedApp, EmulatedTenant, EmulatedUser } from '../../graph-emulator';
import { mountEntra } from '../../graph-emulator/entra';
import {
  addCertificate,
  makeAppCertificate,
  type AppCertificate,
} from '../../graph-emulator/entra';

export const REDIRECT_URI = 'https://ccx.example/auth/callback';
export const TEAMS_REDIRECT_URI = 'https://teams.example/tab/auth-end';

export interface EntraWorld {
  m365: GraphEmulator;
  agent: Agent;
  contoso: EmulatedTenant;
  fabrikam: EmulatedTenant;
  alice: EmulatedUser;
  bob: EmulatedUser;
  ccx: EmulatedApp;
  apiScope: string;
  cert: AppCertificate;
  teamsTab: EmulatedApp;
  singleTenant: EmulatedApp;
  close(): Promise<void>;
}

/** `graph: true` mounts the emulator's Microsoft Graph as well (presence service tests). */
export async function entraWorld(options: { graph?: boolean } = {}): Promise<EntraWorld> {
  const m365 = await startGraphEmulator(options.graph ? {} : { parts: [mountEntra] });
  const agent = httpAgent({ extraCaPem: m365.caPem });
  const d = m365.directory;
  const contoso = d.addTenant('contoso.example');
  const fabrikam = d.addTenant('fabrikam.example');
  const alice = d.addUser(contoso.id, {
    userPrincipalName: 'alice@contoso.example',
    displayName: 'Alice',
  });
  const bob = d.addUser(fabrikam.id, { userPrincipalName: 'bob@fabrikam.example' });
  const clientId = randomUUID();
  const ccx = d.registerApp({
    clientId,
    displayName: 'ccx',
    homeTenantId: contoso.id,
    multiTenant: true,
    secrets: ['ccx-secret-value'],
    redirectUris: [REDIRECT_URI],
    identifierUri: `api://ccx.example/${clientId}`,
    exposedScopes: ['access_as_user'],
    appRoles: ['admin', 'supervisor', 'agent'],
  });
  const cert = makeAppCertificate();
  addCertificate(ccx, cert.certPem);
  d.grant(contoso.id, ccx.clientId, {
    applicationPermissions: ['Presence.Read.All'],
    delegatedScopes: ['User.Read', 'Presence.Read.All', 'Presence.ReadWrite', 'access_as_user'],
  });
  d.assignRole(contoso.id, ccx.clientId, alice.id, 'agent');
  const teamsTab = d.registerApp({
    displayName: 'Teams tab',
    homeTenantId: contoso.id,
    redirectUris: [TEAMS_REDIRECT_URI],
  });
  d.grant(contoso.id, teamsTab.clientId, { delegatedScopes: ['access_as_user'] });
  const singleTenant = d.registerApp({
    displayName: 'contoso-only',
    homeTenantId: contoso.id,
    multiTenant: false,
    secrets: ['single-secret'],
    redirectUris: [REDIRECT_URI],
  });
  return {
    m365,
    agent,
    contoso,
    fabrikam,
    alice,
    bob,
    ccx,
    apiScope: `api://ccx.example/${clientId}/access_as_user`,
    cert,
    teamsTab,
    singleTenant,
    close: async () => {
      await agent.close();
      await m365.close();
    },
  };
}

/** MSAL as the product configures it, pointed at the emulator. */
export function msalApp(
  w: EntraWorld,
  options: {
    tenant?: string;
    clientId?: string;
    secret?: string;
    certificate?: 'sha1' | 'sha256';
    /** The certificate to sign client assertions with (default: the one registered on ccx). */
    cert?: AppCertificate;
  } = {},
): ConfidentialClientApplication {
  const cert = options.cert ?? w.cert;
  const auth: Configuration['auth'] = {
    clientId: options.clientId ?? w.ccx.clientId,
    authority: `${w.m365.url}/${options.tenant ?? w.contoso.id}`,
    knownAuthorities: [w.m365.host],
  };
  if (options.certificate === 'sha256') {
    auth.clientCertificate = {
      thumbprintSha256: cert.thumbprintSha256,
      privateKey: cert.privateKeyPem,
    };
  } else if (options.certificate === 'sha1') {
    auth.clientCertificate = { thumbprint: cert.thumbprint, privateKey: cert.privateKeyPem };
  } else {
    auth.clientSecret = options.secret ?? 'ccx-secret-value';
  }
  return new ConfidentialClientApplication({
    auth,
    system: { networkClient: msalNetworkClient(w.agent) },
  });
}

export async function getJson(
  w: EntraWorld,
  url: string,
): Promise<{ status: number; body: unknown }> {
  const res = await request(url, { dispatcher: w.agent });
  return { status: res.statusCode, body: await res.body.json() };
}

/** The JWKS the tenant's discovery document points to, as a jose key set. */
export async function tenantKeys(w: EntraWorld, tenantId = w.contoso.id) {
  const config = await getJson(
    w,
    `${w.m365.url}/${tenantId}/v2.0/.well-known/openid-configuration`,
  );
  const jwksUri = (config.body as { jwks_uri: string }).jwks_uri;
  const jwks = await getJson(w, jwksUri);
  return createLocalJWKSet(jwks.body as JSONWebKeySet);
}

export interface PageResult {
  status: number;
  location?: string;
  html: string;
}

/** Opens an authorize URL, fills the sign-in form and submits it; returns where it sends the user. */
export async function signIn(
  w: EntraWorld,
  authorizeUrl: string,
  login: string,
  password = 'Passw0rd!',
): Promise<PageResult> {
  const page = await open(w, authorizeUrl);
  if (page.status !== 200) return page;
  const ctx = /name="ctx" value="([^"]+)"/.exec(page.html)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  if (!ctx || !action) throw new Error(`no sign-in form in ${page.html.slice(0, 300)}`);
  const res = await request(new URL(action, w.m365.url).toString(), {
    method: 'POST',
    dispatcher: w.agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ctx, loginfmt: login, passwd: password }).toString(),
  });
  return pageResult(res.statusCode, res.headers['location'], await res.body.text());
}

export async function open(w: EntraWorld, url: string): Promise<PageResult> {
  const res = await request(url, { dispatcher: w.agent });
  return pageResult(res.statusCode, res.headers['location'], await res.body.text());
}

const pageResult = (
  status: number,
  location: string | string[] | undefined,
  html: string,
): PageResult => ({
  status,
  html,
  ...(typeof location === 'string' ? { location } : {}),
});

/** POSTs a raw form to the token endpoint (what MSAL would send), for errors MSAL never provokes. */
export async function postToken(
  w: EntraWorld,
  tenant: string,
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(`${w.m365.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    dispatcher: w.agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}
