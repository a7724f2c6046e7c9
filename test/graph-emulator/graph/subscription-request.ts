import { z } from 'zod';

/**
 * The body of POST /subscriptions and the presence resources it may name.
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions
 * https://learn.microsoft.com/graph/api/resources/subscription
 * https://learn.microsoft.com/graph/changenotifications-for-presence
 */
export const createSubscriptionBody = z.object({
  changeType: z.string().min(1),
  notificationUrl: z.string().min(1),
  resource: z.string().min(1),
  expirationDateTime: z.string().min(1),
  clientState: z.string().nullish(),
  lifecycleNotificationUrl: z.string().nullish(),
  includeResourceData: z.boolean().nullish(),
  encryptionCertificate: z.string().nullish(),
  encryptionCertificateId: z.string().nullish(),
  latestSupportedTlsVersion: z.enum(['v1_0', 'v1_1', 'v1_2', 'v1_3']).nullish(),
});
export type CreateSubscriptionBody = z.output<typeof createSubscriptionBody>;

export const updateSubscriptionBody = z.object({
  expirationDateTime: z.string().min(1),
});

/** Presence: subscriptions last at most 60 minutes; a bulk one names at most 650 users. */
export const PRESENCE_MAX_EXPIRATION_MS = 60 * 60_000;
export const PRESENCE_MAX_IDS = 650;
export const CLIENT_STATE_MAX = 128;

/**
 * `communications/presences/{id}` or `communications/presences?$filter=id in ('a','b',...)`
 * (leading slash optional) to the user ids; a string for an unsupported resource.
 */
export function presenceUserIds(resource: string): string[] | string {
  const path = resource.replace(/^\//, '');
  const single = /^communications\/presences\/([^/?]+)$/i.exec(path);
  if (single?.[1]) return [decodeURIComponent(single[1])];
  const bulk = /^communications\/presences\?\$filter=id\s+in\s+\((.*)\)$/i.exec(path);
  if (!bulk) return `The resource '${resource}' is not supported.`;
  const list = bulk[1] ?? '';
  const ids: string[] = [];
  for (const part of list.split(',')) {
    const m = /^\s*'([^']+)'\s*$/.exec(part);
    if (!m?.[1]) return `Invalid $filter in resource '${resource}'.`;
    ids.push(m[1]);
  }
  if (ids.length > PRESENCE_MAX_IDS) {
    return `Too many ids in the $filter: at most ${PRESENCE_MAX_IDS} users per subscription.`;
  }
  return [...new Set(ids)];
}

/** The URL rules Graph applies to notificationUrl and lifecycleNotificationUrl: HTTPS only. */
export function httpsUrl(value: string, field: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} is not a valid URL.`;
  }
  return url.protocol === 'https:' ? undefined : `${field} must use the HTTPS protocol.`;
}
