import { randomUUID } from 'node:crypto';
import {
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { EmulatorClock } from './clock';

/**
 * Token signing for the emulated Entra ID: RS256 keys published as a JWKS (with `kid` and `use`),
 * so clients validate our tokens the way they validate Microsoft's. `rotate()` adds a new signing
 * key and keeps the old one published, as Entra ID does during a key rollover.
 * https://learn.microsoft.com/entra/identity-platform/signing-key-rollover
 */
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

/** The claims the emulator puts in access and ID tokens (the subset of Entra ID's we need). */
export interface EmulatedClaims extends JWTPayload {
  tid: string;
  /** Object id of the user (delegated) or of the service principal (app-only). */
  oid?: string;
  /** Client id of the app the token was issued to (v2: azp; v1 and Graph tokens: appid). */
  azp?: string;
  appid?: string;
  /** Space-separated delegated scopes. */
  scp?: string;
  /** Application permissions (app-only) or app roles of the user (delegated, to our API). */
  roles?: string[];
  idtyp?: 'app' | 'user';
  preferred_username?: string;
  upn?: string;
  name?: string;
  ver?: '1.0' | '2.0';
  nonce?: string;
}

export class TokenSigner {
  private readonly keys: SigningKey[] = [];

  private constructor(private readonly clock: EmulatorClock) {}

  static async create(clock: EmulatorClock): Promise<TokenSigner> {
    const signer = new TokenSigner(clock);
    await signer.rotate();
    return signer;
  }

  /** Adds a new current signing key; older keys stay in the JWKS. */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const kid = randomUUID().replace(/-/g, '');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };
    this.keys.unshift({ kid, privateKey, publicJwk });
    return kid;
  }

  /** Drops every key but the current one (a test of clients that cache an outdated JWKS). */
  retireOldKeys(): void {
    this.keys.splice(1);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** Signs `claims` with the current key; iat/nbf/exp come from the emulator clock. */
  async sign(claims: EmulatedClaims, lifetimeSeconds: number): Promise<string> {
    const key = this.keys[0];
    if (!key) throw new Error('no signing key');
    const now = Math.floor(this.clock.now() / 1000);
    return new SignJWT({ uti: randomUUID().replace(/-/g, '').slice(0, 22), ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + lifetimeSeconds)
      .sign(key.privateKey);
  }

  /**
   * Verifies a token this emulator issued (signature with any published key, expiry against the
   * emulator clock, audience); throws with a reason otherwise.
   */
  async verify(token: string, audience: string | string[]): Promise<EmulatedClaims> {
    const keys = this.keys;
    const { payload } = await jwtVerify<EmulatedClaims>(
      token,
      async (header) => {
        const key = keys.find((k) => k.kid === header.kid);
        if (!key) throw new Error(`unknown signing key ${String(header.kid)}`);
        return importJWK(key.publicJwk, 'RS256');
      },
      { audience, currentDate: new Date(this.clock.now()), clockTolerance: 0 },
    );
    return payload;
  }
}
