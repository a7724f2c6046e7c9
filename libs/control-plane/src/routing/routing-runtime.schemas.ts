import { z } from 'zod';
import { agentStatus, callTarget, e164, expertListing, queueSnapshot } from '@ccx/contracts';

/** Schemas of the routing runtime endpoints (request bodies, path parameters, responses). */

export const agentStateBodySchema = z.strictObject({
  state: z
    .enum(['logged-out', 'available', 'not-ready'])
    .meta({ description: 'The state set by hand; busy, reserved and wrap-up follow the work.' }),
  reason: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: 'Why the agent is not ready (shown in statistics).' }),
});

export const reservationParams = z.object({
  reservationId: z
    .string()
    .min(1)
    .max(128)
    .meta({ description: 'The reservation of the offer (from interaction.offered).' }),
});

export const callParams = z.object({
  callId: z.string().min(1).max(256).meta({ description: 'The call (from call.offered).' }),
});

export const expertSearchQuerySchema = z.strictObject({
  topic: z.string().min(1).max(64).meta({ description: 'Expertise tag, e.g. `billing`.' }),
});

export const expertTransferBodySchema = z.strictObject({
  topic: z.string().min(1).max(64).meta({ description: 'Expertise tag the expert must have.' }),
  fallback: callTarget
    .optional()
    .meta({ description: 'Where to send the call when no expert is reachable.' }),
});

export const callbackBodySchema = z.strictObject({
  number: e164
    .optional()
    .meta({ description: "Number to call back; default the caller's number." }),
});

export const agentStatusSchema = agentStatus;
export const queueStatsSchema = queueSnapshot;
export const queueStatsListSchema = z.object({ queues: z.array(queueSnapshot) });
export const expertSearchSchema = z.object({
  topic: z.string(),
  experts: z.array(expertListing).meta({ description: 'Reachable experts first.' }),
});
export const offerResponseSchema = z.object({
  reservationId: z.string(),
  outcome: z.enum(['accepted', 'rejected']),
});
export const expertTransferSchema = z.object({
  expertId: z.string().optional().meta({ description: 'The expert called (not with fallback).' }),
  usedFallback: z.boolean(),
});
export const callbackSchema = z.object({
  interactionId: z.string().optional(),
  position: z
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'The place kept in the queue (1 = next).' }),
});
