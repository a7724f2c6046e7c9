// Agents held by calls the SBC no longer has: a hang-up that never reached the bus (the SBC
// process died with its calls, or its event was lost). The connected interactions are grouped by
// the SBC holding their call; an SBC whose process is gone (no worker for its command queue
// connected to Redis at two checks in a row) has none of them any more, a live one says which it
// still has (`sbc.live-calls`). An SBC that does not answer in time is left alone: unsure is not
// gone.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EventBus } from '@ccx/event-bus';
import type { RuntimeLog } from './deps';
import type { InteractionRecord } from './interaction-store';

/** Call ids per `sbc.live-calls` request (the contract's maximum). */
const BATCH = 1000;

export interface LostCallsDeps {
  bus: Pick<EventBus, 'command' | 'commandServed'>;
  redis: Pick<Redis, 'set' | 'del'>;
  /** Key marking an SBC found not connected at a check (so the next check can confirm it). */
  missingKey: (sbcId: string) => string;
  log: RuntimeLog;
  timeoutMs: number;
}

/** How long a first "not connected" waits for its confirmation at a later check. */
const MISSING_TTL_S = 600;

/** The connected interactions whose call their SBC no longer holds. */
export async function lostCalls(
  deps: LostCallsDeps,
  connected: readonly InteractionRecord[],
): Promise<InteractionRecord[]> {
  // A callback's call was originated by whichever SBC took the command: its holder is unknown.
  const checked = connected.filter((rec) => rec.sbcId && !rec.callbackNumber);
  const lost: InteractionRecord[] = [];
  for (const [sbcId, held] of groupBy(checked, (rec) => rec.sbcId ?? '')) {
    const missing = deps.missingKey(sbcId);
    if (!(await deps.bus.commandServed('sbc.live-calls', sbcId))) {
      // Gone only when missing at two checks in a row: an SBC reconnecting to Redis can miss one.
      if ((await deps.redis.set(missing, '1', 'EX', MISSING_TTL_S, 'NX')) === 'OK') {
        deps.log.warn(
          { sbcId, calls: held.length },
          'the SBC holding these calls is not connected',
        );
        continue;
      }
      deps.log.warn({ sbcId, calls: held.length }, 'the SBC holding these calls is gone');
      lost.push(...held);
      continue;
    }
    await deps.redis.del(missing);
    for (const [tenantId, recs] of groupBy(held, (rec) => rec.tenantId))
      for (let i = 0; i < recs.length; i += BATCH) {
        const batch = recs.slice(i, i + BATCH);
        try {
          const { live } = await deps.bus.command(
            'sbc.live-calls',
            { tenantId, requestId: randomUUID(), callIds: batch.map((r) => r.callId) },
            { target: sbcId, timeoutMs: deps.timeoutMs },
          );
          const still = new Set(live);
          lost.push(...batch.filter((r) => !still.has(r.callId)));
        } catch (err) {
          deps.log.warn({ sbcId, tenantId, err: String(err) }, 'live calls not checked');
        }
      }
  }
  return lost;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const list = out.get(key(item));
    if (list) list.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}
