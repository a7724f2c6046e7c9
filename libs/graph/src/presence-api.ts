import type { Client } from '@microsoft/microsoft-graph-client';
import { graphCall } from './graph-call';
import { batchPresences } from './presence-batch';
import {
  presenceList,
  subscriptionResponse,
  type GraphPresence,
  type GraphSubscription,
} from './presence-types';
import type { GraphThrottle } from './throttle';

/** getPresencesByUserId and a presence subscription take at most 650 user ids. */
export const PRESENCE_IDS_MAX = 650;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface NewPresenceSubscription {
  userIds: string[];
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  expirationDateTime: string;
  clientState: string;
  /** Rich notifications: our certificate (base64 DER) and its id. */
  encryption?: { certificate: string; certificateId: string };
}

/** An application's presence session for a user (setPresence). */
export interface PresenceSession {
  /** The application (client) id: Graph requires it as the session id. */
  sessionId: string;
  availability: string;
  activity: string;
  /** ISO 8601, PT5M..PT4H. */
  expirationDuration: string;
}

/** The presence resource of a subscription for up to 650 users. */
export function presenceResource(userIds: readonly string[]): string {
  if (userIds.length === 0 || userIds.length > PRESENCE_IDS_MAX) {
    throw new Error(`a presence subscription takes 1..${PRESENCE_IDS_MAX} ids`);
  }
  const ids = userIds.map((id) => `'${id.replace(/'/g, "''")}'`).join(',');
  return `/communications/presences?$filter=id in (${ids})`;
}

/**
 * The presence calls of one tenant's Graph connection, each within the tenant's request budget and
 * with every response validated.
 * https://learn.microsoft.com/graph/api/cloudcommunications-getpresencesbyuserid
 * https://learn.microsoft.com/graph/api/presence-setpresence
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions
 */
export class GraphPresenceApi {
  constructor(
    private readonly client: Client,
    private readonly throttle: GraphThrottle,
    readonly tenantId: string,
  ) {}

  /**
   * Presence of `userIds`, in requests of 650 ids: one request, or `$batch` requests of up to 20
   * when there are more.
   */
  async getPresences(userIds: readonly string[]): Promise<GraphPresence[]> {
    const chunks = chunk(userIds, PRESENCE_IDS_MAX);
    const [ids] = chunks;
    if (!ids) return [];
    if (chunks.length > 1) {
      return batchPresences(this.client, this.throttle, this.tenantId, chunks);
    }
    const body = await this.call(() =>
      this.client.api('/communications/getPresencesByUserId').post({ ids }),
    );
    return presenceList.parse(body).value;
  }

  setPresence(userId: string, session: PresenceSession): Promise<void> {
    return this.call(() =>
      this.client.api(`/users/${encodeURIComponent(userId)}/presence/setPresence`).post(session),
    ).then(() => undefined);
  }

  clearPresence(userId: string, sessionId: string): Promise<void> {
    return this.call(() =>
      this.client
        .api(`/users/${encodeURIComponent(userId)}/presence/clearPresence`)
        .post({ sessionId }),
    ).then(() => undefined);
  }

  async subscribe(request: NewPresenceSubscription): Promise<GraphSubscription> {
    const body = {
      changeType: 'updated',
      notificationUrl: request.notificationUrl,
      ...(request.lifecycleNotificationUrl
        ? { lifecycleNotificationUrl: request.lifecycleNotificationUrl }
        : {}),
      resource: presenceResource(request.userIds),
      expirationDateTime: request.expirationDateTime,
      clientState: request.clientState,
      ...(request.encryption
        ? {
            includeResourceData: true,
            encryptionCertificate: request.encryption.certificate,
            encryptionCertificateId: request.encryption.certificateId,
          }
        : {}),
    };
    return subscriptionResponse.parse(
      await this.call(() => this.client.api('/subscriptions').post(body)),
    );
  }

  async renew(subscriptionId: string, expirationDateTime: string): Promise<GraphSubscription> {
    return subscriptionResponse.parse(
      await this.call(() =>
        this.client
          .api(`/subscriptions/${encodeURIComponent(subscriptionId)}`)
          .patch({ expirationDateTime }),
      ),
    );
  }

  async reauthorize(subscriptionId: string): Promise<void> {
    await this.call(() =>
      this.client.api(`/subscriptions/${encodeURIComponent(subscriptionId)}/reauthorize`).post({}),
    );
  }

  async unsubscribe(subscriptionId: string): Promise<void> {
    await this.call(() =>
      this.client.api(`/subscriptions/${encodeURIComponent(subscriptionId)}`).delete(),
    );
  }

  private call(send: () => Promise<unknown>): Promise<unknown> {
    return graphCall(this.throttle, this.tenantId, send);
  }
}
