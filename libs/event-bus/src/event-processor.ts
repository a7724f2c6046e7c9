import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import { z } from 'zod';
import { parseEvent, type AnyEvent } from '@ccx/contracts';
import type { Logger } from '@ccx/observability';
import { PermanentEventError } from './errors';
import { eventIdOf, eventJobData, eventNameOf, type EventJobData } from './job-data';
import {
  backoffDelay,
  BATCH_HANDLER_CONCURRENCY,
  DEFAULT_RETRY,
  eventJobOptions,
  type RetryPolicy,
} from './job-options';
import type { BusMetrics } from './metrics';
import type { HandlerContext } from './types';

export type AnyHandler = (event: AnyEvent, ctx: HandlerContext) => Promise<void>;

export interface SplitJob {
  name: string;
  data: EventJobData;
  opts: JobsOptions;
}

export interface ProcessorDeps {
  group: string;
  instanceId: string;
  handlers: ReadonlyMap<string, AnyHandler>;
  metrics: BusMetrics;
  logger: Logger;
  /** Adds jobs to the queue being processed (events split off a partly failed batch). */
  enqueue(jobs: SplitJob[]): Promise<void>;
}

interface Failure {
  raw: unknown;
  error: unknown;
  /** Retrying cannot help: invalid event or PermanentEventError. */
  permanent: boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The group's policy as stamped on the job by the publisher. */
export function policyOf(job: Pick<Job, 'opts'>): RetryPolicy {
  const { backoff, attempts } = job.opts;
  const delay = typeof backoff === 'number' ? backoff : (backoff?.delay ?? DEFAULT_RETRY.backoffMs);
  return { attempts: attempts ?? 1, backoffMs: delay };
}

export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * Handles one event job of a group. A single event behaves like a plain BullMQ job: a throw is
 * retried with backoff by BullMQ, then lands in the failed set (the dead letters). In a batch,
 * each failed event is re-enqueued as a job of its own (id = eventId) that keeps counting
 * attempts, and the batch completes: one bad event never holds back or re-runs the others.
 */
export async function processEventJob(deps: ProcessorDeps, job: Job): Promise<void> {
  const parsed = eventJobData.safeParse(job.data);
  if (!parsed.success) {
    deps.metrics.deadLettered.inc({ event: job.name, group: deps.group });
    throw new UnrecoverableError(`invalid event job: ${z.prettifyError(parsed.error)}`);
  }
  const { events, priorAttempts, deadLetter } = parsed.data;
  // Already counted as dead when it was split off its batch.
  if (deadLetter) throw new UnrecoverableError(deadLetter);
  const policy = policyOf(job);
  const ctx: HandlerContext = {
    group: deps.group,
    attempt: priorAttempts + Math.max(1, job.attemptsStarted),
    maxAttempts: policy.attempts,
  };
  // The attempt being made, as BullMQ counts it to decide whether a failure is final.
  const attemptNo = priorAttempts + job.attemptsMade + 1;
  const failures: Failure[] = [];
  await forEachLimit(events, BATCH_HANDLER_CONCURRENCY, async (raw) => {
    const failure = await handleOne(deps, raw, ctx);
    if (failure) failures.push(failure);
  });
  if (failures.length === 0) return;
  const [only] = failures;
  if (events.length === 1 && only) {
    const final = only.permanent || attemptNo >= policy.attempts;
    report(deps, only, ctx.attempt, final);
    // Final by our count (which includes attempts spent in a batch): no BullMQ retry left.
    if (final) throw new UnrecoverableError(message(only.error));
    throw only.error instanceof Error ? only.error : new Error(message(only.error));
  }
  const split = failures.map((f) => splitJob(deps, f, policy, attemptNo, ctx.attempt));
  await deps.enqueue(split);
}

async function handleOne(
  deps: ProcessorDeps,
  raw: unknown,
  ctx: HandlerContext,
): Promise<Failure | undefined> {
  const parsed = parseEvent(raw);
  if (!parsed.ok)
    return { raw, error: new Error(`invalid event: ${parsed.error}`), permanent: true };
  const event = parsed.value;
  const handler = deps.handlers.get(event.name);
  if (!handler) {
    const error = new Error(
      `no handler for ${event.name} in group ${deps.group} on ${deps.instanceId}`,
    );
    return { raw, error, permanent: false };
  }
  const labels = { event: event.name, group: deps.group };
  const started = performance.now();
  try {
    await handler(event, ctx);
  } catch (error) {
    return { raw, error, permanent: error instanceof PermanentEventError };
  }
  deps.metrics.handled.inc(labels);
  deps.metrics.handleSeconds.observe(labels, (performance.now() - started) / 1000);
  return undefined;
}

function report(deps: ProcessorDeps, failure: Failure, attempt: number, final: boolean): void {
  const { raw, error } = failure;
  const labels = { event: eventNameOf(raw), group: deps.group };
  deps.metrics.failed.inc(labels);
  if (final) deps.metrics.deadLettered.inc(labels);
  const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<AnyEvent>;
  deps.logger[final ? 'error' : 'warn'](
    {
      group: deps.group,
      event: labels.event,
      eventId: e.eventId,
      tenantId: e.tenantId,
      callId: e.callId,
      attempt,
      err: error,
    },
    final ? 'event dead-lettered' : 'event handler failed, will retry',
  );
}

function splitJob(
  deps: ProcessorDeps,
  failure: Failure,
  policy: RetryPolicy,
  attemptNo: number,
  attempt: number,
): SplitJob {
  const final = failure.permanent || attemptNo >= policy.attempts;
  report(deps, failure, attempt, final);
  const jobId =
    eventIdOf(failure.raw) ??
    `x-${createHash('sha1').update(JSON.stringify(failure.raw)).digest('hex')}`;
  const name = eventNameOf(failure.raw);
  if (final) {
    // Fails on arrival (UnrecoverableError) and so lands in the dead letters as its own job.
    const deadLetter = message(failure.error);
    return {
      name,
      data: { events: [failure.raw], priorAttempts: attemptNo - 1, deadLetter },
      opts: eventJobOptions(jobId, policy),
    };
  }
  return {
    name,
    data: { events: [failure.raw], priorAttempts: attemptNo },
    opts: { ...eventJobOptions(jobId, policy), delay: backoffDelay(policy, attemptNo) },
  };
}
