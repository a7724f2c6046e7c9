import { eq } from 'drizzle-orm';
import type { Agent } from 'undici';
import {
  appTokenSource,
  createGraphClient,
  GraphPresenceApi,
  type AppCredential,
  type GraphThrottle,
} from '@ccx/graph';
import type { Logger } from '@ccx/observability';
import { m365Connections, type Database } from '@ccx/persistence';
import type { ConnectedTenant, PresenceGraph } from '@ccx/presence-sync';
import { SecretBox } from '@ccx/security';
import { z } from 'zod';

const credential = z.union([
  z
    .object({ secret: z.string().min(1) })
    .transform((c): AppCredential => ({ kind: 'secret', ...c })),
  z
    .object({
      privateKeyPem: z.string().min(1),
      certificatePem: z.string().min(1),
      thumbprintSha256: z.string().min(1),
    })
    .transform((c): AppCredential => ({ kind: 'certificate', ...c })),
]);

export interface ConnectionOptions {
  masterKey: string;
  agent: Agent;
  throttle: GraphThrottle;
  authority: string;
  graphUrl: string;
  log: Logger;
  /** Delegated Graph token for a tenant's service sign-in, when it has one. */
  delegatedToken?: (tenantId: string) => (() => Promise<string>) | undefined;
}

interface Built {
  revision: number;
  signedIn: boolean;
  tenant: ConnectedTenant;
}

/**
 * The tenants whose Microsoft 365 connection is `connected`, read from the database with their
 * credentials opened (in memory only). A connection is rebuilt only when its row changed, so
 * MSAL's token cache lives across sync passes.
 */
export class TenantConnections {
  private readonly box: SecretBox;
  private readonly built = new Map<string, Built>();

  constructor(
    private readonly db: Database,
    private readonly options: ConnectionOptions,
  ) {
    this.box = new SecretBox(options.masterKey);
  }

  async load(): Promise<ConnectedTenant[]> {
    const rows = await this.db
      .select()
      .from(m365Connections)
      .where(eq(m365Connections.status, 'connected'));
    const out: ConnectedTenant[] = [];
    for (const row of rows) {
      const cached = this.built.get(row.tenantId);
      const signedIn = row.delegatedCacheCiphertext !== null;
      if (cached && cached.revision === row.revision && cached.signedIn === signedIn) {
        out.push(cached.tenant);
        continue;
      }
      let cred: AppCredential;
      try {
        cred = credential.parse(JSON.parse(this.box.open(row.credentialCiphertext)));
      } catch {
        this.options.log.error(
          { tenantId: row.tenantId },
          'the Microsoft 365 credential does not open with MASTER_KEY; tenant skipped',
        );
        continue;
      }
      const tenant = this.build(
        row.tenantId,
        row.entraTenantId,
        row.clientId,
        cred,
        row.delegatedCacheCiphertext !== null,
      );
      this.built.set(row.tenantId, { revision: row.revision, signedIn, tenant });
      out.push(tenant);
    }
    return out;
  }

  private build(
    tenantId: string,
    entraTenantId: string,
    clientId: string,
    cred: AppCredential,
    hasServiceSignIn: boolean,
  ): ConnectedTenant {
    const o = this.options;
    const appToken = appTokenSource({
      agent: o.agent,
      authority: o.authority,
      entraTenantId,
      clientId,
      credential: cred,
    });
    const client = (accessToken: () => Promise<string>) =>
      createGraphClient({ agent: o.agent, graphUrl: o.graphUrl, accessToken });
    const appApi = new GraphPresenceApi(client(appToken), o.throttle, tenantId);
    // Presence subscriptions take delegated tokens only (the tenant's service sign-in); reads
    // and setPresence work with the app's own permissions. Without a service sign-in,
    // subscribing fails and the tenant is polled.
    const delegated = hasServiceSignIn ? o.delegatedToken?.(tenantId) : undefined;
    const subscriber = delegated
      ? new GraphPresenceApi(client(delegated), o.throttle, tenantId)
      : appApi;
    const graph: PresenceGraph = {
      getPresences: (ids) => appApi.getPresences(ids),
      subscribe: (request) => subscriber.subscribe(request),
      renew: (id, expiration) => subscriber.renew(id, expiration),
      reauthorize: (id) => subscriber.reauthorize(id),
      unsubscribe: (id) => subscriber.unsubscribe(id),
    };
    return { tenantId, entraTenantId, appId: clientId, graph, writeBack: appApi };
  }
}
