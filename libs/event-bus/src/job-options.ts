import type { ConnectionOptions, JobsOptions, QueueOptions, WorkerOptions } from 'bullmq';

/**
 * The one place where attempts, backoff, retention and the key prefix of every bus job are set.
 * Publishers and workers both read from here.
 */

export interface RetryPolicy {
  /** Attempts before the event becomes a dead letter. */
  attempts: number;
  /** Delay before the first retry; doubles each attempt (BullMQ exponential), with jitter. */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, backoffMs: 1_000 };

/** A retry waits between (1 - JITTER) and 1 times the exponential delay. */
export const BACKOFF_JITTER = 0.5;

/**
 * Completed event jobs are kept (so a re-published eventId is recognised as a duplicate) for at
 * most an hour and for about the last `events` events of each queue: the bus-level dedup
 * window. A batch job counts for its events (a queue keeps 10,000 single-event jobs, or 50
 * jobs of 200), which bounds memory at a few MB per queue whatever the batch sizes.
 */
export const COMPLETED_RETENTION = { ageSeconds: 3_600, events: 10_000 };

/** Completed command jobs are of no use once replied; failed ones are kept a day for inspection. */
export const COMMAND_FAILED_RETENTION = { age: 86_400, count: 1_000 };

/** Length cap of BullMQ's per-queue events stream (we do not consume it; keep it small). */
export const EVENTS_STREAM_MAX_LEN = 100;

export const DEFAULT_CONCURRENCY = 16;
/** Minimum spacing of coalesced publish() sends (see EventBusOptions.lingerMs). */
export const DEFAULT_LINGER_MS = 1;
export const DEFAULT_LOCK_DURATION_MS = 30_000;

/** Events per job at most (publishMany and coalesced publishes are cut into jobs of this size). */
export const MAX_EVENTS_PER_JOB = 200;

/** Handlers running at once for the events of one batch job. */
export const BATCH_HANDLER_CONCURRENCY = 32;

/**
 * Delay before attempt `attemptsMade + 1`, as BullMQ computes it for `exponential` with jitter:
 * backoffMs * 2^(attemptsMade - 1), scaled by a random factor in [1 - jitter, 1].
 */
export function backoffDelay(policy: RetryPolicy, attemptsMade: number, random = Math.random()) {
  const max = policy.backoffMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.floor(max * (1 - BACKOFF_JITTER) + random * max * BACKOFF_JITTER);
}

/**
 * Options of a job of `eventCount` events. An event split off a batch gets a job with these
 * options too, and carries the attempts it already spent in its data (the processor counts them).
 */
export function eventJobOptions(jobId: string, policy: RetryPolicy, eventCount = 1): JobsOptions {
  return {
    jobId,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: BACKOFF_JITTER },
    removeOnComplete: {
      age: COMPLETED_RETENTION.ageSeconds,
      count: Math.max(1, Math.floor(COMPLETED_RETENTION.events / Math.max(1, eventCount))),
    },
    // Failed jobs are the dead letters: never removed automatically.
    removeOnFail: false,
  };
}

export function commandJobOptions(requestId: string): JobsOptions {
  return {
    jobId: requestId,
    // A command is answered once; a failing handler rejects the caller rather than retrying
    // behind its back. A worker crash is still covered: the stalled job is handed to another
    // worker, which executes it only if its deadline has not passed.
    attempts: 1,
    removeOnComplete: true,
    removeOnFail: COMMAND_FAILED_RETENTION,
  };
}

export function queueOptions(prefix: string, connection: ConnectionOptions): QueueOptions {
  return {
    prefix,
    connection,
    streams: { events: { maxLen: EVENTS_STREAM_MAX_LEN } },
  };
}

export function workerOptions(
  prefix: string,
  connection: ConnectionOptions,
  opts: { concurrency: number; lockDurationMs: number; name: string },
): WorkerOptions {
  return {
    prefix,
    connection,
    name: opts.name,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs,
    // Look for stalled jobs (owner crashed) once per lock period.
    stalledInterval: opts.lockDurationMs,
    // A job whose worker died twice in a row is suspicious (it may be what kills the worker):
    // it goes to the failed set instead of taking down a third consumer.
    maxStalledCount: 2,
  };
}
