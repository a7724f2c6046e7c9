import { z } from 'zod';

/** Identifiers used across every service. */
export const tenantId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'tenant ids are lower-case slugs');
export const uuid = z.uuid();
export const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number such as +4930123456');
export const isoTime = z.iso.datetime({ offset: true });

/**
 * The envelope every event carries. `seq` orders the events of one call: it is assigned by the
 * service that owns the call (the SBC) and grows by one per event of that call. Handlers are
 * order-tolerant (see docs/event-bus.md): they use `seq` to ignore stale updates.
 */
export const envelopeSchema = z.object({
  eventId: uuid,
  name: z.string(),
  version: z.number().int().positive(),
  tenantId,
  occurredAt: isoTime,
  source: z.string().min(1),
  callId: z.string().min(1).optional(),
  seq: z.number().int().nonnegative().optional(),
  correlationId: z.string().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;
