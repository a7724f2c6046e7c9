import { z } from 'zod';
import { isEventName } from '@ccx/contracts';
import { pageQuerySchema } from '@ccx/control-plane';

const time = z.iso.datetime({ offset: true });
const nullableTime = time.nullable();

export const eventTypeSchema = z
  .string()
  .refine((v) => v === '*' || isEventName(v), 'an event name of the catalogue, or "*"')
  .meta({ example: 'call.answered' });

const eventTypes = z
  .array(eventTypeSchema)
  .min(1)
  .max(100)
  .transform((types) => [...new Set(types)])
  .meta({ description: 'Event names to receive (see docs/webhooks.md), or ["*"] for all.' });

const url = z
  .string()
  .max(2048)
  .meta({
    description:
      'https URL receiving the POSTs. Hosts resolving to private, loopback or link-local ' +
      'addresses are refused (unless the operator allows private targets).',
    example: 'https://hooks.example.com/ccx',
  });

export const webhookCreateSchema = z.strictObject({
  url,
  description: z.string().trim().max(500).nullable().optional(),
  eventTypes,
  enabled: z.boolean().default(true),
});
export type WebhookCreate = z.output<typeof webhookCreateSchema>;

export const webhookPatchSchema = z.strictObject({
  url: url.optional(),
  description: z.string().trim().max(500).nullable().optional(),
  eventTypes: eventTypes.optional(),
});

export const rotateSecretSchema = z.strictObject({
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400)
    .default(86_400)
    .meta({
      description:
        'For this long, requests carry signatures with both the old and the new secret, so ' +
        'receivers can switch without losing a delivery. Default one day.',
    }),
});

export const webhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z
    .string()
    .nullable()
    .meta({ description: 'Why it was disabled (automatically after failures, or by a user).' }),
  consecutiveFailures: z
    .number()
    .int()
    .meta({ description: 'Deliveries in a row that failed every attempt; reset by a success.' }),
  revision: z.number().int(),
  createdAt: time,
  updatedAt: time,
});

export const webhookSecretSchema = z.object({
  secret: z.string().meta({
    description:
      'The signing secret (`whsec_` + base64). Shown in this response only; store it now.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
});
export const webhookCreatedSchema = webhookSchema.extend(webhookSecretSchema.shape);

export const deliveryStatusSchema = z.enum(['pending', 'succeeded', 'failed']);

export const attemptSchema = z.object({
  attempt: z.number().int().meta({ description: 'Numbered across replays, from 1.' }),
  at: time,
  statusCode: z.number().int().nullable().meta({ description: 'null when no response came.' }),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});

export const deliverySchema = z.object({
  id: z.uuid(),
  webhookId: z
    .string()
    .meta({ description: 'The `webhook-id` header: the same on every attempt and replay.' }),
  eventId: z.uuid(),
  eventName: z.string(),
  status: deliveryStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: nullableTime,
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: time,
  completedAt: nullableTime,
  payload: z.unknown().meta({ description: 'The body that was sent (see docs/webhooks.md).' }),
  attemptLog: z.array(attemptSchema),
});

export const deliveriesQuerySchema = pageQuerySchema.extend({
  status: deliveryStatusSchema.optional().meta({ description: 'Only deliveries in this state.' }),
});

export const pingResultSchema = z.object({
  ok: z.boolean(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
});
