import { z } from 'zod';
import { teamsAvailability } from '@ccx/contracts';

/**
 * Graph's presence resource as we read it (extra properties are kept but not used).
 * https://learn.microsoft.com/graph/api/resources/presence
 */
/** Graph's availability values are the contract's (libs/contracts teamsAvailability). */
export const graphAvailability = teamsAvailability;
export type GraphAvailability = z.output<typeof graphAvailability>;

export const graphPresence = z.looseObject({
  id: z.string().min(1),
  availability: graphAvailability,
  activity: z.string().min(1),
  /** Lexicographically sortable version of the presence object (absent on older payloads). */
  sequenceNumber: z.string().min(1).optional(),
});
export type GraphPresence = z.output<typeof graphPresence>;

export const presenceList = z.object({ value: z.array(graphPresence) });

export const subscriptionResponse = z.looseObject({
  id: z.string().min(1),
  resource: z.string(),
  expirationDateTime: z.string(),
  clientState: z.string().nullish(),
});
export type GraphSubscription = z.output<typeof subscriptionResponse>;

/** Compares Graph sequence numbers: longer is newer, then lexicographic (they are sortable). */
export function compareSequence(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
