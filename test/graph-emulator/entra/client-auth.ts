import { timingSafeEqual } from 'node:crypto';
import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { EmulatorContext } from '../context';
import type { EmulatedApp } from '../directory';
import type { Authority } from './authority';
import { OAuthFailure } from './failure';
import type { OAuthForm } from './form';
import type { ClientAuthMethod } from './issue';

/**
 * Client authentication at the token endpoint: a client secret (form body or HTTP Basic), or a
 * client assertion, a JWT the app signs with a registered certificate: `x5t` or `x5t#S256` header,
 * `aud` the token endpoint, `iss` = `sub` = client id, `exp` in the future.
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 * An app with neither secrets nor certificates is a public client and sends none.
 */
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Clock skew tolerated on the assertion's exp/nbf. */
const SKEW_S = 300;

export interface ClientCredentials {
  secret?: string;
  assertion?: string;
  assertionType?: string;
}

/** The credentials a request carries, from the body or an `Authorization: Basic` header. */
export function credentialsOf(
  form: OAuthForm,
  authorization: string | undefined,
): ClientCredentials {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  const fromBasic = basic?.[1]
    ? decodeURIComponent(
        Buffer.from(basic[1], 'base64').toString('utf8').split(':').slice(1).join(':'),
      )
    : undefined;
  const secret = form['client_secret'] ?? fromBasic;
  return {
    ...(secret !== undefined ? { secret } : {}),
    ...(form['client_assertion'] !== undefined ? { assertion: form['client_assertion'] } : {}),
    ...(form['client_assertion_type'] !== undefined
      ? { assertionType: form['client_assertion_type'] }
      : {}),
  };
}

export const isPublicClient = (app: EmulatedApp): boolean =>
  app.secrets.length === 0 && app.certificates.size === 0;

export async function authenticateClient(
  ctx: EmulatorContext,
  app: EmulatedApp,
  authority: Authority,
  credentials: ClientCredentials,
): Promise<ClientAuthMethod> {
  if (isPublicClient(app)) {
    if (credentials.secret !== undefined || credentials.assertion !== undefined) {
      throw invalidClient(
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
      );
    }
    return '0';
  }
  if (credentials.assertion !== undefined) {
    await verifyAssertion(ctx, app, authority, credentials);
    return '2';
  }
  if (credentials.secret !== undefined) {
    if (!app.secrets.some((s) => sameText(s, credentials.secret ?? ''))) {
      throw invalidClient(
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      );
    }
    return '1';
  }
  throw invalidClient(
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

async function verifyAssertion(
  ctx: EmulatorContext,
  app: EmulatedApp,
  authority: Authority,
  credentials: ClientCredentials,
): Promise<void> {
  const assertion = credentials.assertion ?? '';
  if (credentials.assertionType !== ASSERTION_TYPE) {
    throw new OAuthFailure(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_assertion_type'.",
    );
  }
  let thumbprint: string | undefined;
  try {
    const header = decodeProtectedHeader(assertion);
    const s256 = header['x5t#S256'];
    thumbprint = typeof s256 === 'string' ? s256 : header.x5t;
  } catch {
    throw invalidClient(50027, 'Invalid JWT token. The client assertion is not a well-formed JWT.');
  }
  const key = thumbprint === undefined ? undefined : app.certificates.get(thumbprint);
  if (!key) {
    throw invalidClient(
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint ?? ''}'.`,
    );
  }
  const tenantSegments =
    authority.kind === 'tenant'
      ? [authority.segment, authority.tenant.id, authority.tenant.domain]
      : [authority.segment];
  const audiences = tenantSegments.map((t) => `${ctx.baseUrl}/${t}/oauth2/v2.0/token`);
  try {
    const { payload } = await jwtVerify(assertion, key, {
      algorithms: ['RS256', 'PS256'],
      audience: audiences,
      currentDate: new Date(ctx.clock.now()),
      clockTolerance: SKEW_S,
      requiredClaims: ['exp', 'iss', 'sub', 'aud'],
    });
    if (payload.iss !== payload.sub) {
      throw invalidClient(50048, 'Subject mismatches Issuer claim in the client assertion.');
    }
    if (payload.iss !== app.clientId) {
      throw invalidClient(
        700021,
        `Client assertion application identifier doesn't match 'client_id' parameter.`,
      );
    }
  } catch (e) {
    if (e instanceof OAuthFailure) throw e;
    if (
      e instanceof errors.JWTExpired ||
      (e instanceof errors.JWTClaimValidationFailed && e.claim === 'nbf')
    ) {
      throw invalidClient(700024, 'Client assertion is not within its valid time range.');
    }
    if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'aud') {
      throw invalidClient(
        700021,
        `Client assertion audience claim does not match Realm issuer. The audience must be the token endpoint, one of ${audiences.join(', ')}.`,
      );
    }
    throw invalidClient(700027, 'Client assertion failed signature validation.');
  }
}

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const invalidClient = (code: number, text: string): OAuthFailure =>
  new OAuthFailure(401, 'invalid_client', code, text);
