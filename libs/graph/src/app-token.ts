import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import type { Agent } from 'undici';
import { msalNetworkClient } from './http';
import { DEFAULT_AUTHORITY } from './jwks';

/** Our app's credential in a customer tenant: a client secret or a certificate. */
export type AppCredential =
  | { kind: 'secret'; secret: string }
  | {
      kind: 'certificate';
      privateKeyPem: string;
      thumbprintSha256: string;
      certificatePem?: string;
    };

export interface AppTokenOptions {
  agent: Agent;
  /** https://login.microsoftonline.com, or the emulator's URL. */
  authority?: string;
  entraTenantId: string;
  clientId: string;
  credential: AppCredential;
}

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

/** MSAL configuration for a confidential client of one tenant, over our agent. */
export function msalConfiguration(options: AppTokenOptions): Configuration {
  const authority = (options.authority ?? DEFAULT_AUTHORITY).replace(/\/+$/, '');
  const c = options.credential;
  return {
    auth: {
      clientId: options.clientId,
      authority: `${authority}/${options.entraTenantId}`,
      ...(authority === DEFAULT_AUTHORITY ? {} : { knownAuthorities: [new URL(authority).host] }),
      ...(c.kind === 'secret'
        ? { clientSecret: c.secret }
        : {
            clientCertificate: {
              thumbprintSha256: c.thumbprintSha256,
              privateKey: c.privateKeyPem,
              ...(c.certificatePem ? { x5c: c.certificatePem } : {}),
            },
          }),
    },
    system: { networkClient: msalNetworkClient(options.agent) },
  };
}

/**
 * App-only Graph tokens for one tenant (client credentials). MSAL caches the token and asks for a
 * new one shortly before it expires.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
export function appTokenSource(options: AppTokenOptions): () => Promise<string> {
  const client = new ConfidentialClientApplication(msalConfiguration(options));
  return async () => {
    const result = await client.acquireTokenByClientCredential({
      scopes: [`${GRAPH_RESOURCE}/.default`],
    });
    if (!result?.accessToken) throw new Error('no access token from Entra ID');
    return result.accessToken;
  };
}
