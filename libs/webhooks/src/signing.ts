import { createHash, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import type { AnyEvent } from '@ccx/contracts';

/**
 * Signing the Standard Webhooks way (https://www.standardwebhooks.com): every request carries
 * `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` =
 * `v1,base64(HMAC-SHA256(secret, "<id>.<timestamp>.<body>"))`, space-separated when two
 * secrets are live during a rotation.
 */
export const SECRET_PREFIX = 'whsec_';

/** 32 random bytes, base64, with the `whsec_` prefix receivers' libraries expect. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** A name-based (version 5 layout, SHA-256) UUID: the same name always gives the same id. */
export function nameBasedUuid(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version nibble 5 (name-based)
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The delivery of one event to one subscription has a deterministic id, so a redelivered event
 * maps to the same row, job and `webhook-id`.
 */
export function deliveryIdFor(subscriptionId: string, eventId: string): string {
  return nameBasedUuid(`delivery/${subscriptionId}/${eventId}`);
}

/** `webhook-id`: the same for every attempt and replay of a delivery, so receivers can dedupe. */
export function webhookIdOf(deliveryId: string): string {
  return `msg_${deliveryId.replace(/-/g, '')}`;
}

/**
 * The body partners receive: Standard Webhooks' `type`, `timestamp`, `data`, plus the envelope
 * fields that let them correlate (event id, tenant, call, per-call sequence).
 */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  eventId: string;
  version: number;
  tenantId: string;
  callId?: string;
  seq?: number;
  correlationId?: string;
  data: unknown;
}

export function buildPayload(event: AnyEvent): WebhookPayload {
  const payload: WebhookPayload = {
    type: event.name,
    timestamp: event.occurredAt,
    eventId: event.eventId,
    version: event.version,
    tenantId: event.tenantId,
    data: event.data,
  };
  if (event.callId !== undefined) payload.callId = event.callId;
  if (event.seq !== undefined) payload.seq = event.seq;
  if (event.correlationId !== undefined) payload.correlationId = event.correlationId;
  return payload;
}

/**
 * What is sealed in `secret_ciphertext`: the current secret and, for a grace period after a
 * rotation, the previous one (requests are then signed with both).
 */
const secretSetSchema = z.object({
  current: z.string().startsWith(SECRET_PREFIX),
  previous: z.string().startsWith(SECRET_PREFIX).optional(),
  previousUntil: z.number().int().optional(),
});
export type SecretSet = z.infer<typeof secretSetSchema>;

export function encodeSecretSet(set: SecretSet): string {
  return JSON.stringify(set);
}

export function decodeSecretSet(plaintext: string): SecretSet {
  if (plaintext.startsWith(SECRET_PREFIX)) return { current: plaintext };
  return secretSetSchema.parse(JSON.parse(plaintext));
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Signs with every live secret of the set; built once per subscription, reused per request. */
export class Signer {
  private readonly current: Webhook;
  private readonly previous?: Webhook;
  private readonly previousUntil: number;

  constructor(set: SecretSet) {
    this.current = new Webhook(set.current);
    if (set.previous && set.previousUntil) this.previous = new Webhook(set.previous);
    this.previousUntil = set.previousUntil ?? 0;
  }

  sign(msgId: string, at: Date, body: string): SignedHeaders {
    let signature = this.current.sign(msgId, at, body);
    if (this.previous && at.getTime() < this.previousUntil) {
      signature += ` ${this.previous.sign(msgId, at, body)}`;
    }
    return {
      'webhook-id': msgId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signature,
    };
  }
}
