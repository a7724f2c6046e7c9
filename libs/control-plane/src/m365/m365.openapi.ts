import { z } from 'zod';
import { type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { named, registerRoute } from '../openapi/routes';
import {
  authorizeUrlSchema,
  codeCallbackQuery,
  connectionInputSchema,
  connectionSchema,
  connectionTestSchema,
  consentCallbackQuery,
} from './connection.schemas';
import { signInQuery, teamsSsoBody } from './user-sign-in.service';

const tag = 'Microsoft 365';
const read = { kind: 'tenant', scope: 'config:read' } as const;
const write = { kind: 'tenant', scope: 'config:write' } as const;
const open = { kind: 'public' } as const;

const userSchema = z.object({
  id: z.string().meta({ description: "The user's Entra object id (oid)." }),
  username: z.string().nullable(),
  roles: z.array(z.enum(['admin', 'supervisor', 'agent'])),
});

const signedInSchema = z.object({
  accessToken: z.string().meta({ description: 'Entra ID access token for this API: the bearer.' }),
  tokenType: z.literal('Bearer'),
  expiresOn: z.string().nullable(),
  user: userSchema,
});

const teamsSsoSchema = z.object({
  user: userSchema,
  scopes: z.array(z.string()),
  graph: z.object({
    ok: z.boolean(),
    scopes: z.array(z.string()),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    consentRequired: z.boolean(),
  }),
});

/** The Microsoft 365 routes: the tenant's connection, Entra ID callbacks, user sign-in. */
export function registerM365(registry: OpenAPIRegistry): void {
  const connection = named('M365Connection', connectionSchema);
  const base = '/v1/m365/connection';
  registerRoute(registry, {
    tag,
    method: 'get',
    path: base,
    access: read,
    operationId: 'getM365Connection',
    summary: "The tenant's Microsoft 365 connection (never its credential)",
    response: { status: 200, description: 'The connection', schema: connection },
    problems: [404],
  });
  registerRoute(registry, {
    tag,
    method: 'put',
    path: base,
    access: write,
    operationId: 'putM365Connection',
    summary: 'Create or replace the Microsoft 365 connection',
    description:
      'The credential is sealed at rest and never returned. A new Entra tenant or client id ' +
      'resets consent and the service sign-in. An Entra tenant belongs to at most one tenant (409).',
    body: named('M365ConnectionInput', connectionInputSchema),
    problems: [409],
    response: { status: 200, description: 'The connection', schema: connection },
  });
  registerRoute(registry, {
    tag,
    method: 'delete',
    path: base,
    access: write,
    operationId: 'deleteM365Connection',
    summary: 'Delete the Microsoft 365 connection (its users can no longer sign in)',
    problems: [404],
    response: { status: 204, description: 'Deleted' },
  });
  registerRoute(registry, {
    tag,
    method: 'get',
    path: `${base}/admin-consent`,
    access: write,
    operationId: 'getM365AdminConsentUrl',
    summary: "The admin-consent URL for the customer's Entra ID administrator",
    problems: [404, 503],
    response: { status: 200, description: 'Where to send the admin', schema: authorizeUrlSchema },
  });
  registerRoute(registry, {
    tag,
    method: 'post',
    path: `${base}/test`,
    access: write,
    operationId: 'testM365Connection',
    summary: 'Get an app-only Graph token with the stored credential; report the AADSTS error',
    problems: [404],
    response: { status: 200, description: 'The outcome', schema: connectionTestSchema },
  });
  registerRoute(registry, {
    tag,
    method: 'post',
    path: `${base}/service-sign-in`,
    access: write,
    operationId: 'startM365ServiceSignIn',
    summary: 'Start the delegated service sign-in (auth code + PKCE) for presence subscriptions',
    problems: [404, 503],
    response: { status: 200, description: 'Where to send the browser', schema: authorizeUrlSchema },
  });
  registerRoute(registry, {
    tag,
    method: 'get',
    path: '/v1/m365/consent/callback',
    access: open,
    operationId: 'm365AdminConsentCallback',
    summary: 'Entra ID redirects the admin here after admin consent (state checked)',
    query: consentCallbackQuery,
    problems: [404],
    response: { status: 200, description: 'The connection', schema: connection },
  });
  registerRoute(registry, {
    tag,
    method: 'get',
    path: '/v1/m365/service-sign-in/callback',
    access: open,
    operationId: 'm365ServiceSignInCallback',
    summary: 'Entra ID redirects the service sign-in here; the token cache is sealed and stored',
    query: codeCallbackQuery,
    problems: [403, 404, 502],
    response: { status: 200, description: 'The connection', schema: connection },
  });
  registerRoute(registry, {
    tag,
    method: 'get',
    path: '/v1/m365/sign-in',
    access: open,
    operationId: 'startM365SignIn',
    summary: 'Start a user sign-in with Microsoft 365 (auth code + PKCE)',
    query: signInQuery,
    problems: [503],
    response: { status: 200, description: 'Where to send the browser', schema: authorizeUrlSchema },
  });
  registerRoute(registry, {
    tag,
    method: 'get',
    path: '/v1/m365/sign-in/callback',
    access: open,
    operationId: 'm365SignInCallback',
    summary: 'Entra ID redirects the user here; answers an access token for this API',
    query: codeCallbackQuery,
    problems: [401, 403, 503],
    response: { status: 200, description: 'Signed in', schema: signedInSchema },
  });
  registerRoute(registry, {
    tag,
    method: 'post',
    path: '/v1/m365/teams-sso',
    access: open,
    operationId: 'm365TeamsSso',
    summary: 'Teams tab SSO: validate the token and trade it on-behalf-of for Graph',
    body: teamsSsoBody,
    problems: [401, 403, 503],
    response: { status: 200, description: 'Who signed in', schema: teamsSsoSchema },
  });
}
