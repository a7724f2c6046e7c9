import { ConfidentialClientApplication } from '@azure/msal-node';
import type { JWTVerifyGetKey } from 'jose';
import type { Agent } from 'undici';
import { DEFAULT_AUTHORITY, entraJwks, httpAgent, msalNetworkClient } from '@ccx/graph';
import { msalCredential, type StoredCredential } from './credentials';

export { DEFAULT_AUTHORITY };

/** Where Entra ID is and how to reach it (M365_AUTHORITY, M365_EXTRA_CA_FILE's PEM). */
export interface M365Settings {
  authority: string;
  extraCaPem?: string;
}

/** What MSAL needs to act as our app registration in one customer tenant. */
export interface AppIdentity {
  entraTenantId: string;
  clientId: string;
  credential: StoredCredential;
}

/**
 * MSAL confidential clients and Entra ID's JWKS over one HTTPS agent (trusting the extra CA, if
 * any). One instance per process; `close()` on shutdown.
 */
export class M365Clients {
  readonly authority: string;
  private readonly agent: Agent;
  private keys: JWTVerifyGetKey | undefined;

  constructor(settings: M365Settings) {
    this.authority = (settings.authority || DEFAULT_AUTHORITY).replace(/\/+$/, '');
    this.agent = httpAgent(settings.extraCaPem ? { extraCaPem: settings.extraCaPem } : {});
  }

  /** `${authority}/${entraTenantId}`: the tenant's own authority (never `common`). */
  tenantAuthority(entraTenantId: string): string {
    return `${this.authority}/${entraTenantId}`;
  }

  /** A fresh client with an empty in-memory cache (pass `cache` to start from a serialized one). */
  confidential(identity: AppIdentity): ConfidentialClientApplication {
    return new ConfidentialClientApplication({
      auth: {
        clientId: identity.clientId,
        authority: this.tenantAuthority(identity.entraTenantId),
        knownAuthorities: [new URL(this.authority).host],
        ...msalCredential(identity.credential),
      },
      system: { networkClient: msalNetworkClient(this.agent) },
    });
  }

  /**
   * App-only Graph tokens for one tenant (client credentials). One MSAL client per source, so
   * MSAL's cache keeps the token until shortly before it expires.
   * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
   */
  appToken(identity: AppIdentity): () => Promise<string> {
    const msal = this.confidential(identity);
    return async () => {
      const result = await msal.acquireTokenByClientCredential({
        scopes: ['https://graph.microsoft.com/.default'],
      });
      if (!result?.accessToken) throw new Error('no access token from Entra ID');
      return result.accessToken;
    };
  }

  /** Entra ID's signing keys, fetched through the same agent and cached by jose. */
  jwks(): JWTVerifyGetKey {
    this.keys ??= entraJwks(this.agent, this.authority);
    return this.keys;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** `AADSTS7000215`-style code from an MSAL error, with its first line of description. */
export function entraError(e: unknown): { code: string; message: string } {
  const err = e as { errorCode?: unknown; errorMessage?: unknown; message?: unknown };
  const text = String(err.errorMessage ?? err.message ?? e);
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  const code = aadsts ?? (typeof err.errorCode === 'string' ? err.errorCode : 'error');
  const firstLine = text.split(/\r?\n/)[0] ?? text;
  return { code, message: firstLine.slice(0, 500) };
}
