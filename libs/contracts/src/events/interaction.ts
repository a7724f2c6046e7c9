import { z } from 'zod';
import { e164 } from '../envelope';

const channel = z.enum(['voice', 'chat', 'callback']);

export const interactionEvents = {
  'interaction.created': {
    version: 1,
    callScoped: true,
    description: 'A contact-center interaction was created for a call (or another channel).',
    data: z.object({ interactionId: z.string().min(1), channel, queueId: z.string().optional() }),
  },
  'interaction.queued': {
    version: 1,
    callScoped: true,
    description: 'The interaction entered a queue.',
    data: z.object({
      interactionId: z.string().min(1),
      queueId: z.string().min(1),
      requiredSkills: z.array(z.string()).default([]),
      priority: z.number().int().min(0).max(100).default(50),
    }),
  },
  'interaction.offered': {
    version: 1,
    callScoped: true,
    description:
      'An agent was reserved and offered the interaction; the offer ends by accept, reject, timeout or cancel.',
    data: z.object({
      interactionId: z.string().min(1),
      queueId: z.string().min(1),
      agentId: z.string().min(1),
      reservationId: z.string().min(1),
      channel,
      expiresAt: z.iso.datetime({ offset: true }),
    }),
  },
  'interaction.offer-ended': {
    version: 1,
    callScoped: true,
    description: 'An offer to an agent ended: accepted, rejected, timed out or cancelled.',
    data: z.object({
      interactionId: z.string().min(1),
      agentId: z.string().min(1),
      reservationId: z.string().min(1),
      outcome: z.enum(['accepted', 'rejected', 'timeout', 'cancelled']),
    }),
  },
  'interaction.assigned': {
    version: 2,
    callScoped: true,
    description: 'An agent accepted the interaction: it is theirs until it ends.',
    data: z.object({
      interactionId: z.string().min(1),
      queueId: z.string(),
      agentId: z.string(),
      /** Time from entering the queue (the first time, for callbacks) to the accept. */
      waitedMs: z.number().int().nonnegative(),
    }),
  },
  'interaction.callback-requested': {
    version: 1,
    callScoped: true,
    description:
      'The caller left the queue to be called back; the interaction keeps its place in the queue.',
    data: z.object({
      interactionId: z.string().min(1),
      queueId: z.string().min(1),
      number: e164,
      /** 1-based place among the interactions waiting in the queue. */
      position: z.number().int().positive(),
    }),
  },
  'interaction.overflowed': {
    version: 1,
    callScoped: true,
    description: 'The interaction left its queue for an overflow target.',
    data: z.object({
      interactionId: z.string().min(1),
      fromQueueId: z.string(),
      /** The overflow action's kind and target, e.g. `queue:<id>`, `number:+49…`, `disconnect`. */
      to: z.string(),
      reason: z.enum(['closed', 'max-wait', 'max-size', 'no-agents']).optional(),
    }),
  },
  'interaction.completed': {
    version: 1,
    callScoped: true,
    description: 'The interaction finished with an agent.',
    data: z.object({
      interactionId: z.string().min(1),
      agentId: z.string().optional(),
      handledMs: z.number().int().nonnegative(),
    }),
  },
  'interaction.abandoned': {
    version: 1,
    callScoped: true,
    description: 'The caller hung up before an agent answered.',
    data: z.object({ interactionId: z.string().min(1), waitedMs: z.number().int().nonnegative() }),
  },
} as const;
