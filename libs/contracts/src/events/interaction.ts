import { z } from 'zod';

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
  'interaction.assigned': {
    version: 1,
    callScoped: true,
    description: 'An agent was reserved for the interaction.',
    data: z.object({ interactionId: z.string().min(1), queueId: z.string(), agentId: z.string() }),
  },
  'interaction.overflowed': {
    version: 1,
    callScoped: true,
    description: 'The interaction left its queue for an overflow target.',
    data: z.object({ interactionId: z.string().min(1), fromQueueId: z.string(), to: z.string() }),
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
