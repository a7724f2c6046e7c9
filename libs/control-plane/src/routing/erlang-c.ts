import { z } from 'zod';
import { agentsNeeded, erlangC } from '@ccx/routing-model';
import { fieldProblem } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';

/** Bounds that keep one request's work small (the search is O(agents)). */
const MAX_AGENTS = 100_000;

const share = (what: string) => z.number().min(0).max(1).meta({ description: what });

/** Body of POST /v1/erlang-c: either a service-level target, or a staffing to evaluate. */
export const erlangCRequestSchema = z
  .strictObject({
    arrivals: z
      .number()
      .nonnegative()
      .max(1e9)
      .meta({ description: 'Calls expected in the interval.', example: 100 }),
    intervalSeconds: z
      .number()
      .positive()
      .max(86_400 * 31)
      .meta({ description: 'Length of the interval.', example: 1800 }),
    ahtSeconds: z
      .number()
      .nonnegative()
      .max(86_400)
      .meta({ description: 'Average handle time (talk + hold + wrap-up).', example: 180 }),
    thresholdSeconds: z
      .number()
      .nonnegative()
      .max(86_400)
      .meta({ description: 'Service-level threshold: answered within this wait.', example: 20 }),
    targetServiceLevel: share(
      'Share of calls to answer within the threshold, 0–1 (0.8 = 80 %). Give this or `agents`.',
    )
      .optional()
      .meta({ example: 0.8 }),
    agents: z
      .number()
      .int()
      .nonnegative()
      .max(MAX_AGENTS)
      .optional()
      .meta({ description: 'Agents on the phones: evaluate this staffing instead of a target.' }),
    maxOccupancy: z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .meta({ description: 'With a target: add agents until traffic / agents ≤ this (0–1].' }),
    shrinkage: z
      .number()
      .min(0)
      .lt(1)
      .optional()
      .meta({ description: 'Share of paid time off the phones, [0–1): gives `scheduledAgents`.' }),
  })
  .superRefine((body, ctx) => {
    if ((body.targetServiceLevel === undefined) === (body.agents === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetServiceLevel'],
        message: 'give either targetServiceLevel or agents',
      });
    }
    if (body.agents !== undefined && body.maxOccupancy !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxOccupancy'],
        message: 'only with targetServiceLevel',
      });
    }
    const traffic = (body.arrivals * body.ahtSeconds) / body.intervalSeconds;
    if (traffic / (body.maxOccupancy ?? 1) > MAX_AGENTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['arrivals'],
        message: `the traffic (arrivals × ahtSeconds / intervalSeconds) needs more than ${MAX_AGENTS} agents`,
      });
    }
  });

export const erlangCResultSchema = z.object({
  agents: z.number().int().meta({ description: 'Agents on the phones (needed, or as given).' }),
  scheduledAgents: z
    .number()
    .int()
    .meta({ description: 'Agents to schedule so that `agents` remain after shrinkage.' }),
  trafficErlangs: z.number().meta({ description: 'Offered load: arrivals × AHT / interval.' }),
  stable: z
    .boolean()
    .meta({ description: 'False when agents ≤ traffic: the queue grows without bound.' }),
  serviceLevel: z.number().meta({ description: 'Share answered within the threshold.' }),
  asaSeconds: z
    .number()
    .nullable()
    .meta({ description: 'Average speed of answer; null when unstable (unbounded).' }),
  occupancy: z.number().meta({ description: 'traffic / agents, at most 1.' }),
  probabilityOfWaiting: z.number().meta({ description: 'Erlang C: the chance a caller waits.' }),
});
export type ErlangCFigure = z.output<typeof erlangCResultSchema>;

const scheduled = (agents: number, shrinkage = 0) => Math.ceil(agents / (1 - shrinkage) - 1e-9);

/** Erlang C staffing for one interval (pure maths, @ccx/routing-model). */
export function erlangCFigure(input: unknown): ErlangCFigure {
  const body = parseOrThrow(erlangCRequestSchema, input ?? {});
  const { arrivals, intervalSeconds, ahtSeconds, thresholdSeconds, shrinkage } = body;
  try {
    if (body.agents !== undefined) {
      const r = erlangC({ arrivals, intervalSeconds, ahtSeconds, agents: body.agents });
      return {
        agents: r.agents,
        scheduledAgents: scheduled(r.agents, shrinkage),
        trafficErlangs: r.trafficErlangs,
        stable: r.stable,
        serviceLevel: r.serviceLevel(thresholdSeconds),
        asaSeconds: Number.isFinite(r.asaSeconds) ? r.asaSeconds : null,
        occupancy: r.occupancy,
        probabilityOfWaiting: r.probabilityOfWaiting,
      };
    }
    const r = agentsNeeded({
      arrivals,
      intervalSeconds,
      ahtSeconds,
      thresholdSeconds,
      targetServiceLevel: body.targetServiceLevel ?? 0,
      ...(body.maxOccupancy !== undefined ? { maxOccupancy: body.maxOccupancy } : {}),
      ...(shrinkage !== undefined ? { shrinkage } : {}),
    });
    return { ...r, stable: true };
  } catch (err) {
    // The schema rules out what the maths refuses, except a target it cannot reach.
    if (err instanceof RangeError) {
      const field = /^(\w+)/.exec(err.message)?.[1] ?? '(root)';
      throw fieldProblem(field, err.message);
    }
    throw err;
  }
}
