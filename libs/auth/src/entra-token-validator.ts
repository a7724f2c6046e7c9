import { decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { tenantIssuers } from '@ccx/graph';
import type { ApiKeyScope } from '@ccx/security';
import { knownRoles, scopesOfRoles, type EntraRole } from './roles';
import { TtlCache } from './ttl-cache';

/** Why a token was refused; `status` is what the API answers (401, 403, or 503). */
export type EntraRefusal =
  | 'malformed'
  | 'bad-signature'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'expired'
  | 'not-yet-valid'
  | 'not-a-user'
  | 'unknown-tenant'
  | 'no-role'
  | 'keys-unavailable';

const refusalStatus: Record<EntraRefusal, 401 | 403 | 503> = {
  malformed: 401,
  'bad-signature': 401,
  'wrong-issuer': 401,
  'wrong-audience': 401,
  expired: 401,
  'not-yet-valid': 401,
  'not-a-user': 403,
  'unknown-tenant': 403,
  'no-role': 403,
  'keys-unavailable': 503,
};

export class EntraTokenError extends Error {
  readonly status: 401 | 403 | 503;

  constructor(
    readonly reason: EntraRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'EntraTokenError';
    this.status = refusalStatus[reason];
  }
}

/** A user signed in with Microsoft 365, acting for the tenant its Entra tenant is connected to. */
export interface EntraPrincipal {
  kind: 'user';
  /** Our tenant (from the M365 connection of the token's `tid`, never from the request). */
  tenantId: string;
  /** The user's object id (`oid`), the same in every app of the Entra tenant. */
  userId: string;
  entraTenantId: string;
  /** `preferred_username` (usually the UPN), when the token has it. */
  username?: string;
  roles: readonly EntraRole[];
  scopes: readonly ApiKeyScope[];
}

export interface EntraTokenValidatorOptions {
  /** Entra ID's signing keys (`entraJwks(agent, authority)` from @ccx/graph). */
  jwks: JWTVerifyGetKey;
  /** Entra ID's login host, e.g. https://login.microsoftonline.com (M365_AUTHORITY). */
  authority: string;
  /** Our API's client id and/or Application ID URI (M365_API_AUDIENCES). */
  audiences: readonly string[];
  /** Our tenant connected to an Entra tenant id, if any (reads the M365 connections). */
  resolveTenant: (entraTenantId: string) => Promise<string | undefined>;
  /** Seconds of clock skew accepted on exp/nbf; default 60. */
  clockToleranceSeconds?: number;
  /** How long a tid → tenant mapping is reused; default 30 s. */
  tenantCacheMs?: number;
  now?: () => Date;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Validates Entra ID access tokens issued for OUR API, as Microsoft documents it
 * (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-tokens): RS256
 * signature with a key of the JWKS (by `kid`), issuer = the v2.0 issuer of the token's own tenant
 * (`tid`, a multi-tenant app must check it per tenant), audience = our client id or App ID URI,
 * exp/nbf with a small tolerance. Then the Entra tenant must be connected to one of our tenants,
 * and the user must hold at least one of our app roles.
 */
export class EntraTokenValidator {
  private readonly tenants: TtlCache<string>;

  constructor(private readonly options: EntraTokenValidatorOptions) {
    if (options.audiences.length === 0) throw new Error('EntraTokenValidator needs an audience');
    this.tenants = new TtlCache(options.tenantCacheMs ?? 30_000);
  }

  /** Cheap check used to route a bearer: a JWT has three base64url parts. */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
  }

  async validate(token: string): Promise<EntraPrincipal> {
    const tid = unverifiedTenant(token);
    const payload = await this.verify(token, tid);
    if (payload['idtyp'] === 'app' || typeof payload['scp'] !== 'string') {
      throw new EntraTokenError(
        'not-a-user',
        'the token is an application token; sign in as a user (delegated token with scp)',
      );
    }
    const oid = payload['oid'];
    if (typeof oid !== 'string' || oid === '') {
      throw new EntraTokenError('malformed', 'the token has no oid claim');
    }
    const tenantId = await this.tenantOf(tid);
    if (!tenantId) {
      throw new EntraTokenError(
        'unknown-tenant',
        `the Entra tenant ${tid} is not connected to any tenant of this service`,
      );
    }
    const roles = knownRoles(payload['roles']);
    if (roles.length === 0) {
      throw new EntraTokenError(
        'no-role',
        'the user holds none of the app roles admin, supervisor, agent',
      );
    }
    const username = payload['preferred_username'];
    return {
      kind: 'user',
      tenantId,
      userId: oid,
      entraTenantId: tid,
      ...(typeof username === 'string' ? { username } : {}),
      roles,
      scopes: scopesOfRoles(roles),
    };
  }

  /** Drops a cached mapping (after a connection changed or was deleted). */
  forgetTenant(entraTenantId: string): void {
    this.tenants.delete(entraTenantId.toLowerCase());
  }

  private async verify(token: string, tid: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.options.jwks, {
        algorithms: ['RS256'],
        issuer: tenantIssuers(tid, this.options.authority),
        audience: [...this.options.audiences],
        clockTolerance: this.options.clockToleranceSeconds ?? 60,
        requiredClaims: ['exp', 'iat'],
        ...(this.options.now ? { currentDate: this.options.now() } : {}),
      });
      return payload;
    } catch (e) {
      throw refusalOf(e);
    }
  }

  private async tenantOf(tid: string): Promise<string | undefined> {
    const cached = this.tenants.get(tid);
    if (cached) return cached;
    const tenantId = await this.options.resolveTenant(tid);
    if (tenantId) this.tenants.set(tid, tenantId);
    return tenantId;
  }
}

/** The `tid` claim before verification: it only selects the issuer the signature must match. */
function unverifiedTenant(token: string): string {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw new EntraTokenError('malformed', 'the bearer token is not a readable JWT');
  }
  const tid = typeof claims['tid'] === 'string' ? claims['tid'].toLowerCase() : '';
  if (!GUID.test(tid)) throw new EntraTokenError('malformed', 'the token has no valid tid claim');
  return tid;
}

function refusalOf(e: unknown): EntraTokenError {
  if (e instanceof EntraTokenError) return e;
  if (e instanceof errors.JWTExpired)
    return new EntraTokenError('expired', 'the token has expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'aud') {
      return new EntraTokenError('wrong-audience', 'the token was issued for another audience');
    }
    if (e.claim === 'iss') {
      return new EntraTokenError('wrong-issuer', "the token's issuer is not its tenant's issuer");
    }
    if (e.claim === 'nbf')
      return new EntraTokenError('not-yet-valid', 'the token is not yet valid');
    return new EntraTokenError('malformed', `the token's ${e.claim} claim is not valid`);
  }
  if (e instanceof errors.JWKSNoMatchingKey) {
    return new EntraTokenError('bad-signature', 'the token is signed with an unknown key');
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) {
    return new EntraTokenError('bad-signature', "the token's signature is not valid");
  }
  if (e instanceof errors.JOSEAlgNotAllowed) {
    return new EntraTokenError('bad-signature', 'the token is not signed with RS256');
  }
  if (e instanceof errors.JWKSTimeout || !(e instanceof errors.JOSEError)) {
    return new EntraTokenError('keys-unavailable', "Entra ID's signing keys could not be fetched");
  }
  return new EntraTokenError('malformed', 'the bearer token is not a valid JWT');
}
