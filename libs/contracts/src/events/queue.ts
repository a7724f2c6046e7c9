import { z } from 'zod';

const ratio = z.number().min(0).max(1).nullable();

/** Live figures of one queue (docs/routing.md#statistics); also the reply of `routing.queue-stats`. */
export const queueSnapshot = z.object({
  queueId: z.string().min(1),
  waiting: z.number().int().nonnegative(),
  /** Callers who left to be called back and still hold their place. */
  callbacks: z.number().int().nonnegative(),
  longestWaitMs: z.number().int().nonnegative(),
  /** Agents able to take this queue's interactions, by state. */
  agents: z.record(z.string(), z.number().int().nonnegative()),
  /** Sliding window the figures below cover. */
  windowMs: z.number().int().positive(),
  offered: z.number().int().nonnegative(),
  answered: z.number().int().nonnegative(),
  abandoned: z.number().int().nonnegative(),
  serviceLevelSeconds: z.number().int().positive(),
  /** Answered within the threshold / (answered + abandoned); null without outcomes. */
  serviceLevel: ratio,
  asaMs: z.number().nonnegative().nullable(),
  abandonmentRate: ratio,
  at: z.iso.datetime({ offset: true }),
});

export const queueEvents = {
  'queue.stats': {
    version: 1,
    callScoped: false,
    description: "A queue's live statistics, pushed when they change (at most every second).",
    data: queueSnapshot,
  },
} as const;
