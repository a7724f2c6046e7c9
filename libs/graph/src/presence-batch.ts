import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { graphCall, GraphCallError, RETRYABLE_STATUSES } from './graph-call';
import { presenceList, type GraphPresence } from './presence-types';
import { parseRetryAfter, type GraphThrottle } from './throttle';

/** A JSON batch takes at most 20 requests. https://learn.microsoft.com/graph/json-batching */
export const BATCH_MAX = 20;

const batchResponse = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

/**
 * Reads the presence of several chunks of ≤ 650 users in `$batch` requests of up to 20 items:
 * one HTTP round trip for up to 13,000 users. Graph throttles each item on its own, so every
 * item takes a token from the tenant's budget, and items answered 429 (or 503/504) are sent
 * again in the next batch once their Retry-After has passed; up to `attempts` rounds.
 */
export async function batchPresences(
  client: Client,
  throttle: GraphThrottle,
  tenantId: string,
  chunks: readonly string[][],
  attempts = 4,
): Promise<GraphPresence[]> {
  const out: GraphPresence[] = [];
  let pending = chunks.map((ids, i) => ({ id: String(i + 1), ids }));
  for (let round = 1; pending.length > 0; round++) {
    const retry: typeof pending = [];
    for (let i = 0; i < pending.length; i += BATCH_MAX) {
      const group = pending.slice(i, i + BATCH_MAX);
      // The envelope takes one token through graphCall; each item after the first one more.
      for (let n = 1; n < group.length; n++) await throttle.take(tenantId);
      const body = await graphCall(throttle, tenantId, () =>
        client.api('/$batch').post({
          requests: group.map((g) => ({
            id: g.id,
            method: 'POST',
            url: '/communications/getPresencesByUserId',
            headers: { 'Content-Type': 'application/json' },
            body: { ids: g.ids },
          })),
        }),
      );
      const byId = new Map(group.map((g) => [g.id, g]));
      for (const answer of batchResponse.parse(body).responses) {
        const item = byId.get(answer.id);
        if (!item) continue;
        if (answer.status === 200) {
          out.push(...presenceList.parse(answer.body).value);
        } else if (RETRYABLE_STATUSES.has(answer.status) && round < attempts) {
          const header = Object.entries(answer.headers ?? {}).find(
            ([k]) => k.toLowerCase() === 'retry-after',
          )?.[1];
          throttle.backOff(tenantId, parseRetryAfter(header) ?? 2 ** round);
          retry.push(item);
        } else {
          throw new GraphCallError(
            answer.status,
            'batchItemFailed',
            `Graph $batch item ${answer.id} answered ${answer.status}`,
          );
        }
      }
    }
    pending = retry;
  }
  return out;
}
