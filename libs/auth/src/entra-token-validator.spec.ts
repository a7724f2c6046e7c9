import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { EntraTokenError, EntraTokenValidator } from './entra-token-validator';

const AUTHORITY = 'https://login.example.test';
const API = randomUUID();
const CONTOSO = randomUUID();
const FABRIKAM = randomUUID();

type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signing: Key;
let rogue: Key;
let jwk: JWK;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signing = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  rogue = (await generateKeyPair('RS256')).privateKey;
});

const userClaims = (over: JWTPayload = {}): JWTPayload => ({
  tid: CONTOSO,
  oid: randomUUID(),
  scp: 'access_as_user',
  roles: ['agent'],
  preferred_username: 'alice@contoso.example',
  aud: API,
  iss: `${AUTHORITY}/${CONTOSO}/v2.0`,
  ...over,
});

async function token(claims: JWTPayload, opts: { key?: Key; ttl?: number; kid?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: opts.kid ?? 'k1', typ: 'JWT' })
    .setIssuedAt(now - 10)
    .setNotBefore(now - 10)
    .setExpirationTime(now + (opts.ttl ?? 3600))
    .sign(opts.key ?? signing);
}

function validator(lookups: string[] = []) {
  return new EntraTokenValidator({
    jwks: createLocalJWKSet({ keys: [jwk] }),
    authority: AUTHORITY,
    audiences: [API, `api://ccx.example/${API}`],
    clockToleranceSeconds: 5,
    resolveTenant: async (tid) => {
      lookups.push(tid);
      return tid === CONTOSO ? 'contoso' : undefined;
    },
  });
}

async function refusal(promise: Promise<unknown>): Promise<EntraTokenError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EntraTokenError);
  return err as EntraTokenError;
}

describe('EntraTokenValidator', () => {
  it('maps a valid agent token to our tenant, the user oid and no config scope', async () => {
    const claims = userClaims();
    const principal = await validator().validate(await token(claims));
    expect(principal).toEqual({
      kind: 'user',
      tenantId: 'contoso',
      userId: claims.oid,
      entraTenantId: CONTOSO,
      username: 'alice@contoso.example',
      roles: ['agent'],
      scopes: [],
    });
  });

  it('gives admins every tenant scope and supervisors read scopes', async () => {
    const v = validator();
    const admin = await v.validate(await token(userClaims({ roles: ['admin'] })));
    expect(admin.scopes).toEqual([
      'config:read',
      'config:write',
      'keys:manage',
      'webhooks:manage',
      'events:read',
    ]);
    const sup = await v.validate(await token(userClaims({ roles: ['supervisor', 'Other'] })));
    expect(sup.roles).toEqual(['supervisor']);
    expect(sup.scopes).toEqual(['config:read', 'events:read']);
  });

  it('accepts the Application ID URI as audience', async () => {
    const p = await validator().validate(
      await token(userClaims({ aud: `api://ccx.example/${API}` })),
    );
    expect(p.tenantId).toBe('contoso');
  });

  it('refuses an expired token (beyond the tolerance) as expired', async () => {
    const err = await refusal(validator().validate(await token(userClaims(), { ttl: -30 })));
    expect(err.reason).toBe('expired');
    expect(err.status).toBe(401);
  });

  it('refuses a token for another audience', async () => {
    const err = await refusal(
      validator().validate(await token(userClaims({ aud: 'https://graph.microsoft.com' }))),
    );
    expect(err.reason).toBe('wrong-audience');
  });

  it('refuses a tampered token and one signed by an unknown key', async () => {
    const good = await token(userClaims({ roles: ['agent'] }));
    const [h, , s] = good.split('.');
    const forged = Buffer.from(JSON.stringify(userClaims({ roles: ['admin'] }))).toString(
      'base64url',
    );
    expect((await refusal(validator().validate(`${h}.${forged}.${s}`))).reason).toBe(
      'bad-signature',
    );
    expect(
      (await refusal(validator().validate(await token(userClaims(), { key: rogue })))).reason,
    ).toBe('bad-signature');
    expect(
      (await refusal(validator().validate(await token(userClaims(), { kid: 'other' })))).reason,
    ).toBe('bad-signature');
  });

  it("refuses a token whose issuer is not its own tenant's", async () => {
    const err = await refusal(
      validator().validate(await token(userClaims({ iss: `${AUTHORITY}/${FABRIKAM}/v2.0` }))),
    );
    expect(err.reason).toBe('wrong-issuer');
  });

  it('refuses a token from an Entra tenant that is not connected (403)', async () => {
    const err = await refusal(
      validator().validate(
        await token(userClaims({ tid: FABRIKAM, iss: `${AUTHORITY}/${FABRIKAM}/v2.0` })),
      ),
    );
    expect(err.reason).toBe('unknown-tenant');
    expect(err.status).toBe(403);
  });

  it('refuses a user without any of our roles, and an app-only token', async () => {
    expect(
      (await refusal(validator().validate(await token(userClaims({ roles: [] }))))).reason,
    ).toBe('no-role');
    const app = userClaims({ idtyp: 'app', roles: ['admin'] });
    delete app['scp'];
    expect((await refusal(validator().validate(await token(app)))).reason).toBe('not-a-user');
  });

  it('refuses garbage as malformed', async () => {
    expect((await refusal(validator().validate('a.b.c'))).reason).toBe('malformed');
  });

  it('looks a connected tenant up once while cached, again after forgetTenant', async () => {
    const lookups: string[] = [];
    const v = validator(lookups);
    await v.validate(await token(userClaims()));
    await v.validate(await token(userClaims()));
    expect(lookups).toEqual([CONTOSO]);
    v.forgetTenant(CONTOSO);
    await v.validate(await token(userClaims()));
    expect(lookups).toEqual([CONTOSO, CONTOSO]);
  });
});
