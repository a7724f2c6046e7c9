import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AnyEvent } from '@ccx/contracts';

/**
 * The data of an event job. A job carries one event, or a batch of events of one stream for one
 * group (publishMany, and publish() calls coalesced within the linger window): one BullMQ job
 * costs two Lua scripts (add, finish) of ~30-80 µs each on this class of machine, so batching is
 * what lets Redis carry tens of thousands of events per second.
 *
 * When some events of a batch fail, the consumer re-enqueues each failed event as a job of its
 * own (job id = eventId) carrying the attempts already spent, so retries and dead letters stay
 * per event.
 */
export const eventJobData = z.object({
  events: z.array(z.unknown()).min(1),
  /** Attempts spent before this job existed (in the batch it was split from). */
  priorAttempts: z.number().int().nonnegative().default(0),
  /** Set when the event is already dead (attempts exhausted in its batch, or permanent error). */
  deadLetter: z.string().optional(),
});
export type EventJobData = z.input<typeof eventJobData>;

/** One event: its id. A batch: `b-` + a hash of its ids, so re-adding the same batch is a no-op. */
export function eventJobId(events: readonly AnyEvent[]): string {
  const [first] = events;
  if (events.length === 1 && first) return first.eventId;
  const hash = createHash('sha1');
  for (const e of events) hash.update(e.eventId);
  return `b-${hash.digest('hex')}`;
}

/** Reads the eventId of an unvalidated event, if it has one. */
export function eventIdOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = (raw as { eventId?: unknown }).eventId;
  return typeof id === 'string' && id.length > 0 && !id.includes(':') ? id : undefined;
}

/** Reads the name of an unvalidated event, for labels and logs. */
export function eventNameOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return 'unknown';
  const name = (raw as { name?: unknown }).name;
  return typeof name === 'string' ? name : 'unknown';
}
