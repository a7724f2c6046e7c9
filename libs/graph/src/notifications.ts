import {
  createDecipheriv,
  createHmac,
  privateDecrypt,
  constants as cryptoConstants,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { tenantIssuers } from './jwks';

/**
 * Change notifications as Graph posts them to our endpoints, and the checks before anything in
 * them is believed: clientState, validation tokens, the HMAC of encrypted content, decryption.
 * https://learn.microsoft.com/graph/change-notifications-with-resource-data
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export const encryptedContent = z.object({
  data: z.string().min(1),
  dataSignature: z.string().min(1),
  dataKey: z.string().min(1),
  encryptionCertificateId: z.string().min(1),
  encryptionCertificateThumbprint: z.string().min(1),
});
export type EncryptedContent = z.output<typeof encryptedContent>;

export const changeNotification = z.looseObject({
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: z.string().optional(),
  changeType: z.string().optional(),
  resource: z.string().optional(),
  clientState: z.string().nullish(),
  tenantId: z.string().min(1),
  resourceData: z.looseObject({ id: z.string().min(1).optional() }).optional(),
  encryptedContent: encryptedContent.optional(),
  lifecycleEvent: z.enum(['reauthorizationRequired', 'subscriptionRemoved', 'missed']).optional(),
});
export type ChangeNotification = z.output<typeof changeNotification>;

export const notificationCollection = z.object({
  value: z.array(changeNotification).min(1),
  validationTokens: z.array(z.string().min(1)).optional(),
});
export type NotificationCollection = z.output<typeof notificationCollection>;

/** Microsoft Graph Change Tracking, the app that signs validation tokens (their `azp`). */
export const GRAPH_CHANGE_TRACKING_APP_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';

export class NotificationRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotificationRejected';
  }
}

/**
 * Decrypts rich-notification content: the symmetric key (RSA-OAEP with our private key), then the
 * HMAC-SHA256 of the encrypted bytes under that key, and only then AES-256-CBC (IV = the key's
 * first 16 bytes, PKCS7). A signature that does not match throws; nothing is decrypted.
 */
export function decryptContent(content: EncryptedContent, privateKey: KeyObject): unknown {
  let key: Buffer;
  try {
    key = privateDecrypt(
      { key: privateKey, padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(content.dataKey, 'base64'),
    );
  } catch {
    throw new NotificationRejected('dataKey does not decrypt with our certificate key');
  }
  if (key.length !== 32) throw new NotificationRejected('dataKey is not a 256-bit key');
  const data = Buffer.from(content.data, 'base64');
  const expected = createHmac('sha256', key).update(data).digest();
  const given = Buffer.from(content.dataSignature, 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new NotificationRejected('dataSignature does not match the content');
  }
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    const plain = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch {
    throw new NotificationRejected('content does not decrypt to JSON');
  }
}

export interface TokenCheck {
  jwks: JWTVerifyGetKey;
  /** Our application (client) ids: the audience of validation tokens. */
  appIds: readonly string[];
  /** The identity platform's base URL (issuer host). */
  authority?: string;
  now?: () => number;
  /**
   * Tokens already verified, kept by the caller (Graph sends the same token in later POSTs):
   * token → its tenant, expiry (ms) and the audience it was checked against.
   */
  verified?: VerifiedTokens;
}

export type VerifiedTokens = Map<string, { tid: string; exp: number; appIds: string }>;
const VERIFIED_MAX = 10_000;

/**
 * Validates the `validationTokens` of a notification with resource data: every token must be
 * signed by the identity platform, unexpired, for our app, issued by Graph change tracking, and
 * there must be one from each tenant the notifications name.
 * https://learn.microsoft.com/graph/change-notifications-with-resource-data#validation-tokens-in-the-change-notification
 */
export async function checkValidationTokens(
  tokens: readonly string[] | undefined,
  tenantIds: ReadonlySet<string>,
  check: TokenCheck,
): Promise<void> {
  if (!tokens || tokens.length === 0) throw new NotificationRejected('no validationTokens');
  const seen = new Set<string>();
  const now = check.now?.() ?? Date.now();
  const audience = [...check.appIds].sort().join(' ');
  for (const token of tokens) {
    const known = check.verified?.get(token);
    if (known && known.exp > now && known.appIds === audience) {
      seen.add(known.tid);
      continue;
    }
    let tid: unknown;
    let exp = 0;
    try {
      const { payload } = await jwtVerify(token, check.jwks, {
        audience: [...check.appIds],
        ...(check.now ? { currentDate: new Date(check.now()) } : {}),
      });
      if (
        payload['azp'] !== GRAPH_CHANGE_TRACKING_APP_ID &&
        payload['appid'] !== GRAPH_CHANGE_TRACKING_APP_ID
      ) {
        throw new Error('not issued to Microsoft Graph change tracking');
      }
      tid = payload['tid'];
      if (typeof tid !== 'string') throw new Error('no tid');
      exp = (payload.exp ?? 0) * 1000;
      const issuers = tenantIssuers(tid, check.authority);
      if (typeof payload.iss !== 'string' || !issuers.includes(payload.iss)) {
        throw new Error(`issuer ${String(payload.iss)} is not the tenant's`);
      }
    } catch (err) {
      throw new NotificationRejected(
        `validation token refused: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    seen.add(tid);
    const verified = check.verified;
    if (verified) {
      if (verified.size >= VERIFIED_MAX) verified.clear();
      verified.set(token, { tid, exp, appIds: audience });
    }
  }
  for (const tenantId of tenantIds) {
    if (!seen.has(tenantId)) {
      throw new NotificationRejected(`no validation token for tenant ${tenantId}`);
    }
  }
}
