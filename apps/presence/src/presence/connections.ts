import { eq } from 'drizzle-orm';
import type { Agent } from 'undici';
import { identityOf, type AppIdentity, type M365Clients } from '@ccx/auth';
import { createGraphClient, GraphPresenceApi, type GraphThrottle } from '@ccx/graph';
import type { Logger } from '@ccx/observability';
import { m365Connections, type Database } from '@ccx/persistence';
import type { ConnectedTenant, PresenceGraph } from '@ccx/presence-sync';
import type { SecretBox } from '@ccx/security';

export interface ConnectionOptions {
  box: SecretBox;
  /** MSAL clients for app-only tokens (the same Entra ID and CA as the delegated tokens). */
  clients: M365Clients;
  /** HTTPS agent for Graph. */
  agent: Agent;
  throttle: GraphThrottle;
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
  private readonly built = new Map<string, Built>();

  constructor(
    private readonly db: Database,
    private readonly options: ConnectionOptions,
  ) {}

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
      let identity: AppIdentity;
      try {
        identity = identityOf(this.options.box, row);
      } catch {
        this.options.log.error(
          { tenantId: row.tenantId },
          'the Microsoft 365 credential does not open with MASTER_KEY; tenant skipped',
        );
        continue;
      }
      const tenant = this.build(row.tenantId, identity, signedIn);
      this.built.set(row.tenantId, { revision: row.revision, signedIn, tenant });
      out.push(tenant);
    }
    return out;
  }

  private build(
    tenantId: string,
    identity: AppIdentity,
    hasServiceSignIn: boolean,
  ): ConnectedTenant {
    const o = this.options;
    const appToken = o.clients.appToken(identity);
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
    return {
      tenantId,
      entraTenantId: identity.entraTenantId,
      appId: identity.clientId,
      graph,
      writeBack: appApi,
    };
  }
}
