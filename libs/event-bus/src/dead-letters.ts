import { streamOf, type AnyEvent } from '@ccx/contracts';
import type { GroupRegistry } from './group-registry';
import { eventJobData } from './job-data';
import { assertSlug, eventQueueName } from './keys';
import type { Publisher } from './publisher';
import type { DeadLetter } from './types';

async function groupStreams(registry: GroupRegistry, group: string): Promise<string[]> {
  assertSlug('group', group);
  const names = await registry.namesOf(group);
  return [...new Set(names.map((n) => streamOf(n)))].sort();
}

/**
 * Dead letters of a group: the jobs in the failed sets of its stream queues, newest first, one
 * entry per event (a failed job normally carries one event; a whole batch fails only when its
 * consumer crashed on it repeatedly).
 */
export async function listDeadLetters(
  publisher: Publisher,
  registry: GroupRegistry,
  group: string,
  limit: number,
): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (const stream of await groupStreams(registry, group)) {
    const jobs = await publisher.queue(eventQueueName(group, stream)).getFailed(0, limit - 1);
    for (const job of jobs) {
      if (!job?.id) continue;
      const data = eventJobData.safeParse(job.data);
      const events = data.success ? data.data.events : [job.data];
      for (const event of events) {
        letters.push({
          group,
          stream,
          jobId: job.id,
          event: event as AnyEvent,
          failedReason: job.failedReason,
          attempts: (data.success ? data.data.priorAttempts : 0) + job.attemptsMade,
          failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
        });
      }
    }
  }
  return letters.sort((a, b) => b.failedAt.localeCompare(a.failedAt)).slice(0, limit);
}

/** Puts one dead letter back in its queue with a fresh set of attempts. */
export async function replayDeadLetter(
  publisher: Publisher,
  registry: GroupRegistry,
  group: string,
  jobId: string,
): Promise<void> {
  for (const stream of await groupStreams(registry, group)) {
    const queue = publisher.queue(eventQueueName(group, stream));
    const job = await queue.getJob(jobId);
    if (!job) continue;
    if (!(await job.isFailed())) {
      throw new Error(`event ${jobId} of group ${group} is not a dead letter`);
    }
    const data = eventJobData.safeParse(job.data);
    if (data.success && (data.data.priorAttempts > 0 || data.data.deadLetter)) {
      // Split off a batch: start its attempt count afresh and clear the dead mark.
      await job.updateData({ events: data.data.events, priorAttempts: 0 });
    }
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return;
  }
  throw new Error(`no dead letter ${jobId} in group ${group}`);
}
