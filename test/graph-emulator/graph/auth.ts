import { errors } from 'jose';
import type { EmulatorContext } from '../context';
import { graphError, type GraphResponse } from './http';

/**
 * Who is calling: from the bearer token Graph received, verified with the emulator's signing keys
 * (signature, expiry against the emulator clock, audience Graph).
 * https://learn.microsoft.com/graph/auth/auth-concepts#access-tokens
 */
export interface Caller {
  tenantId: string;
  /** Client id of the calling app (appid, or azp for v2 tokens). */
  appId: string;
  /** 'user' for delegated tokens (scp), 'app' for app-only tokens (roles). */
  kind: 'user' | 'app';
  /** The signed-in user (delegated only). */
  userId?: string;
  scopes: Set<string>;
  roles: Set<string>;
  /** When the token expires (ms since epoch). */
  expiresAt: number;
}

/** Graph accepts its App ID URI and its application id as audience. */
export const GRAPH_AUDIENCES = [
  'https://graph.microsoft.com',
  'https://graph.microsoft.com/',
  '00000003-0000-0000-c000-000000000000',
];

const unauthorized = (message: string): GraphResponse =>
  graphError(401, 'InvalidAuthenticationToken', message, {
    'WWW-Authenticate':
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  });

export async function authenticate(
  ctx: EmulatorContext,
  authorization: string | undefined,
): Promise<Caller | GraphResponse> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return unauthorized('Access token is empty.');
  let claims;
  try {
    claims = await ctx.signer.verify(match[1], GRAPH_AUDIENCES);
  } catch (err) {
    if (err instanceof errors.JWTExpired) {
      return unauthorized('Lifetime validation failed, the token is expired.');
    }
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') {
      return unauthorized('Access token validation failure. Invalid audience.');
    }
    const reason = err instanceof Error ? err.message : String(err);
    return unauthorized(`Access token validation failure: ${reason}`);
  }
  const appId = claims.appid ?? claims.azp;
  if (!claims.tid || !appId || claims.exp === undefined) {
    return unauthorized('Access token validation failure: tid, appid and exp are required.');
  }
  const scopes = new Set((claims.scp ?? '').split(' ').filter((s) => s !== ''));
  const delegated = claims.idtyp === 'user' || (claims.idtyp !== 'app' && scopes.size > 0);
  return {
    tenantId: claims.tid,
    appId,
    kind: delegated ? 'user' : 'app',
    ...(delegated && claims.oid ? { userId: claims.oid } : {}),
    scopes,
    roles: new Set(claims.roles ?? []),
    expiresAt: claims.exp * 1000,
  };
}

/** The permissions a Graph page lists for an operation; an empty list means "Not supported". */
export interface Permissions {
  delegated: string[];
  application: string[];
}

/**
 * 403 unless the token carries one of the permissions the page lists for its kind (delegated
 * `scp` or application `roles`).
 */
export function authorize(caller: Caller, needed: Permissions): GraphResponse | undefined {
  const allowed = caller.kind === 'user' ? needed.delegated : needed.application;
  const held = caller.kind === 'user' ? caller.scopes : caller.roles;
  if (allowed.length === 0) {
    return graphError(
      403,
      'Forbidden',
      `This operation is not supported with ${caller.kind === 'user' ? 'delegated' : 'application'} permissions.`,
    );
  }
  if (allowed.some((p) => held.has(p))) return undefined;
  return graphError(
    403,
    'Forbidden',
    `Insufficient privileges to complete the operation: requires one of ${allowed.join(', ')}.`,
  );
}
