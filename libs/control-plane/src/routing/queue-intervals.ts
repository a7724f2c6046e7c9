import { and, asc, eq, gte, lt } from 'drizzle-orm';
import { z } from 'zod';
import { queueIntervals, queues } from '@ccx/persistence';
import { deriveFigures } from '@ccx/routing-model';
import { isUuid, type TenantScope } from '../persistence/tenant-scope';
import type { UnitOfWork } from '../persistence/unit-of-work';
import { fieldProblem, notFound } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';

const DAY_MS = 86_400_000;
/** The longest span one request may ask for (31 × 96 = 2,976 rows per queue at most). */
export const MAX_INTERVAL_SPAN_DAYS = 31;

export const queueIntervalsQuerySchema = z.strictObject({
  from: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'First interval start included (ISO 8601). Default: `to` − 24 h.' }),
  to: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({ description: 'Intervals starting before this (ISO 8601). Default: now.' }),
});

const ratio = z.number().nullable();

export const queueIntervalSchema = z.object({
  intervalStart: z.iso.datetime().meta({ description: 'Start of the 15-minute interval (UTC).' }),
  label: z.string().meta({ description: "The start on the tenant's wall clock." }),
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int().meta({ description: 'Abandons after the short-abandon threshold.' }),
  shortAbandoned: z
    .number()
    .int()
    .meta({ description: 'Abandons sooner than the threshold; left out of service level.' }),
  answeredWithinSl: z.number().int(),
  waitMsSum: z.number(),
  handleMsSum: z.number(),
  busyMs: z.number(),
  staffedMs: z.number(),
  serviceLevel: ratio.meta({
    description: 'answeredWithinSl / (answered + abandoned); null when both are 0.',
  }),
  asaMs: ratio.meta({ description: 'Average wait of answered calls; null when none.' }),
  ahtMs: ratio.meta({ description: 'Average handle time of answered calls; null when none.' }),
  occupancy: ratio.meta({ description: 'busyMs / staffedMs; null without staffed time.' }),
});

export const queueIntervalsSchema = z.object({
  queueId: z.uuid(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  intervals: z.array(queueIntervalSchema).meta({ description: 'In time order.' }),
});
export type QueueIntervals = z.output<typeof queueIntervalsSchema>;

/**
 * Historical 15-minute rows of a queue (written by the routing service), with the derived
 * figures of @ccx/routing-model. The rows have no id of their own, so they are read here with
 * the scope's tenant rather than through TenantScope's id-based helpers.
 */
export class QueueIntervalsReader {
  constructor(private readonly uow: UnitOfWork) {}

  async read(
    scope: TenantScope,
    queueId: string,
    query: unknown,
    now = Date.now(),
  ): Promise<QueueIntervals> {
    const q = parseOrThrow(queueIntervalsQuerySchema, query ?? {});
    if (!isUuid(queueId)) throw notFound('queue', queueId);
    const to = q.to ? Date.parse(q.to) : now;
    const from = q.from ? Date.parse(q.from) : to - DAY_MS;
    if (from >= to) throw fieldProblem('from', 'must be before `to`');
    if (to - from > MAX_INTERVAL_SPAN_DAYS * DAY_MS) {
      throw fieldProblem('from', `at most ${MAX_INTERVAL_SPAN_DAYS} days before \`to\``);
    }
    const mine = eq(queueIntervals.tenantId, scope.tenantId);
    const rows = await this.uow.executor
      .select()
      .from(queueIntervals)
      .where(
        and(
          mine,
          eq(queueIntervals.queueId, queueId),
          gte(queueIntervals.intervalStart, new Date(from)),
          lt(queueIntervals.intervalStart, new Date(to)),
        ),
      )
      .orderBy(asc(queueIntervals.intervalStart));
    // History outlives a deleted queue: 404 only when the tenant never had the queue.
    if (rows.length === 0 && !(await scope.get(queues, queueId))) {
      const anyRow = await this.uow.executor
        .select({ queueId: queueIntervals.queueId })
        .from(queueIntervals)
        .where(and(mine, eq(queueIntervals.queueId, queueId)))
        .limit(1);
      if (anyRow.length === 0) throw notFound('queue', queueId);
    }
    return {
      queueId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      intervals: rows.map((r) => ({
        intervalStart: r.intervalStart.toISOString(),
        label: r.label,
        offered: r.offered,
        answered: r.answered,
        abandoned: r.abandoned,
        shortAbandoned: r.shortAbandoned,
        answeredWithinSl: r.answeredWithinSl,
        waitMsSum: r.waitMsSum,
        handleMsSum: r.handleMsSum,
        busyMs: r.busyMs,
        staffedMs: r.staffedMs,
        ...deriveFigures({ ...r, sumWaitMs: r.waitMsSum, sumHandleMs: r.handleMsSum }),
      })),
    };
  }
}
