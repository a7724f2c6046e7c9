import type { EmulatorContext } from '../context';
import type { QueuedItem } from './delivery';
import { encryptContent, type EncryptionCertificate } from './encryption';
import type { PresenceView } from './presence-store';

/**
 * The payloads Graph posts to subscribers.
 * https://learn.microsoft.com/graph/changenotifications-for-presence
 * https://learn.microsoft.com/graph/change-notifications-with-resource-data
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */

/** Microsoft Graph Change Tracking: the `azp` of every validation token. */
export const CHANGE_TRACKING_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';
/** Validation tokens are short-lived. */
export const VALIDATION_TOKEN_LIFETIME_S = 600;

export interface NotifiedSubscription {
  id: string;
  tenantId: string;
  applicationId: string;
  clientState: string | null;
  expiresAt: number;
  encryption?: EncryptionCertificate;
}

/** A presence change for one subscription, with encrypted resource data when it asked for it. */
export function presenceNotification(
  sub: NotifiedSubscription,
  view: PresenceView,
  iso: (ms: number) => string,
): Record<string, unknown> {
  const resourceData = {
    '@odata.type': '#Microsoft.Graph.presence',
    '@odata.id': `users/${view.id}/presence`,
    id: view.id,
  };
  const notification: Record<string, unknown> = {
    subscriptionId: sub.id,
    clientState: sub.clientState,
    changeType: 'updated',
    resource: `communications/presences/${view.id}`,
    subscriptionExpirationDateTime: iso(sub.expiresAt),
    resourceData,
    tenantId: sub.tenantId,
    organizationId: sub.tenantId,
  };
  if (sub.encryption) {
    notification['encryptedContent'] = encryptContent(
      {
        ...resourceData,
        availability: view.availability,
        activity: view.activity,
        ...(view.statusMessage !== null ? { statusMessage: view.statusMessage } : {}),
        sequenceNumber: view.sequenceNumber,
      },
      sub.encryption,
    );
  }
  return notification;
}

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export function lifecycleNotification(
  sub: NotifiedSubscription,
  event: LifecycleEvent,
  iso: (ms: number) => string,
): Record<string, unknown> {
  return {
    subscriptionId: sub.id,
    subscriptionExpirationDateTime: iso(sub.expiresAt),
    tenantId: sub.tenantId,
    organizationId: sub.tenantId,
    clientState: sub.clientState,
    lifecycleEvent: event,
  };
}

/**
 * The body of one POST: `{ value: [...] }`, plus `validationTokens` (one JWT per app and tenant
 * with rich notifications in the POST) signed by the identity platform for Graph Change Tracking:
 * aud = the subscribing app, azp = Change Tracking, iss = the tenant's v2.0 issuer.
 */
export function payloadBuilder(ctx: EmulatorContext) {
  // A token is reused for later POSTs to the same app and tenant until half its lifetime has
  // passed (Microsoft does not say how often it mints them; signing one per POST would make
  // the emulator, not the subscriber, the bottleneck of a benchmark).
  const minted = new Map<string, { token: Promise<string>; until: number }>();
  const tokenFor = (appId: string, tenantId: string): Promise<string> => {
    const key = `${appId}/${tenantId}`;
    const cached = minted.get(key);
    if (cached && cached.until > ctx.clock.now()) return cached.token;
    const token = ctx.signer.sign(
      {
        aud: appId,
        azp: CHANGE_TRACKING_APP_ID,
        iss: `${ctx.baseUrl}/${tenantId}/v2.0`,
        tid: tenantId,
        ver: '2.0',
      },
      VALIDATION_TOKEN_LIFETIME_S,
    );
    minted.set(key, { token, until: ctx.clock.now() + (VALIDATION_TOKEN_LIFETIME_S * 1000) / 2 });
    return token;
  };
  return async (items: QueuedItem[]): Promise<Record<string, unknown>> => {
    const body: Record<string, unknown> = { value: items.map((i) => i.notification) };
    const wanted = new Map<string, { appId: string; tenantId: string }>();
    for (const i of items) {
      if (i.tokenFor) wanted.set(`${i.tokenFor.appId}/${i.tokenFor.tenantId}`, i.tokenFor);
    }
    if (wanted.size > 0) {
      body['validationTokens'] = await Promise.all(
        [...wanted.values()].map(({ appId, tenantId }) => tokenFor(appId, tenantId)),
      );
    }
    return body;
  };
}
