import type { Redis } from 'ioredis';
import { Worker, type Job, type Queue } from 'bullmq';
import { isEventName, streamOf, type EventName } from '@ccx/contracts';
import type { Logger } from '@ccx/observability';
import { logRedisError } from './connections';
import { processEventJob, type AnyHandler } from './event-processor';
import type { GroupRegistry } from './group-registry';
import { DEFAULT_CONCURRENCY, DEFAULT_RETRY, workerOptions } from './job-options';
import { assertSlug, eventQueueName } from './keys';
import type { BusMetrics } from './metrics';
import type { EventHandler, SubscribeOptions, Subscription } from './types';

interface StreamConsumer {
  worker: Worker;
  handlers: Map<string, AnyHandler>;
  /** Jobs being handled right now, with their lock tokens (to give them back on shutdown). */
  active: Map<string, { job: Job; token: string }>;
}

/**
 * The consuming side: one BullMQ worker per (group, stream) in this process, dispatching by
 * event name to the handlers subscribed for that group. All instances of a group must
 * subscribe the same names (a job of a name this instance has no handler for is retried).
 */
export class Consumers {
  private readonly consumers = new Map<string, StreamConsumer>();

  constructor(
    private readonly redis: Redis,
    private readonly registry: GroupRegistry,
    private readonly prefix: string,
    private readonly instanceId: string,
    private readonly lockDurationMs: number,
    private readonly metrics: BusMetrics,
    private readonly logger: Logger,
    /** The publisher's Queue for a name (to add events split off a batch). */
    private readonly queueFor: (name: string) => Queue,
  ) {}

  async subscribe<N extends EventName>(
    group: string,
    names: readonly N[],
    handler: EventHandler<N>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    assertSlug('group', group);
    if (names.length === 0) throw new Error(`subscribe(${group}) needs at least one event name`);
    for (const name of names) {
      if (!isEventName(name)) throw new Error(`subscribe(${group}): unknown event "${name}"`);
      const existing = this.consumers.get(eventQueueName(group, streamOf(name)));
      if (existing?.handlers.has(name) || names.indexOf(name) !== names.lastIndexOf(name)) {
        throw new Error(`group "${group}" already subscribes to "${name}" in this process`);
      }
    }
    const policy = {
      attempts: options.attempts ?? DEFAULT_RETRY.attempts,
      backoffMs: options.backoffMs ?? DEFAULT_RETRY.backoffMs,
    };
    // Registered before any worker starts: from now on every publish adds a job for this group.
    await this.registry.register(group, names, policy);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const anyHandler = handler as unknown as AnyHandler;
    const workers = new Set<Worker>();
    for (const name of names) {
      const consumer = this.consumerFor(group, streamOf(name), concurrency);
      consumer.handlers.set(name, anyHandler);
      workers.add(consumer.worker);
    }
    // Resolve once the workers' connections are up (so health and shutdown see them whole).
    await Promise.all([...workers].map((w) => w.waitUntilReady()));
    return {
      close: async () => {
        for (const name of names) {
          const queue = eventQueueName(group, streamOf(name));
          const consumer = this.consumers.get(queue);
          if (!consumer || consumer.handlers.get(name) !== anyHandler) continue;
          consumer.handlers.delete(name);
          if (consumer.handlers.size === 0) {
            this.consumers.delete(queue);
            await consumer.worker.close();
          }
        }
      },
    };
  }

  private consumerFor(group: string, stream: string, concurrency: number): StreamConsumer {
    const queue = eventQueueName(group, stream);
    const existing = this.consumers.get(queue);
    if (existing) return existing;
    const handlers = new Map<string, AnyHandler>();
    const active = new Map<string, { job: Job; token: string }>();
    const worker = new Worker(
      queue,
      (job: Job, token?: string) => {
        const id = job.id ?? '';
        if (token) active.set(id, { job, token });
        return processEventJob(
          {
            group,
            instanceId: this.instanceId,
            handlers,
            metrics: this.metrics,
            logger: this.logger,
            enqueue: (jobs) =>
              this.queueFor(queue)
                .addBulk(jobs)
                .then(() => undefined),
          },
          job,
        ).finally(() => active.delete(id));
      },
      workerOptions(this.prefix, this.redis, {
        concurrency,
        lockDurationMs: this.lockDurationMs,
        name: this.instanceId,
      }),
    );
    worker.on('error', logRedisError(this.logger, { queue }));
    const consumer = { worker, handlers, active };
    this.consumers.set(queue, consumer);
    return consumer;
  }

  workers(): Worker[] {
    return [...this.consumers.values()].map((c) => c.worker);
  }

  /**
   * Stops taking jobs and waits up to `graceMs` for in-flight ones; then gives the unfinished
   * ones back (moved to wait, lock released) so another consumer takes them at once instead of
   * after the lock expires. A handler still running here may then finish too: at-least-once.
   */
  async close(graceMs: number): Promise<void> {
    const consumers = [...this.consumers.values()];
    this.consumers.clear();
    const unfinished = () =>
      consumers.flatMap((c) => [...c.active.values()].map((a) => ({ ...a, queue: c.worker.name })));
    await closeWorkers(
      consumers.map((c) => c.worker),
      graceMs,
      () => unfinished().length,
      async () => {
        const jobs = unfinished();
        // Through the publisher's queue objects: the workers' own are closed by now.
        const results = await Promise.all(
          jobs.map(({ job, token, queue }) =>
            this.queueFor(queue)
              .getJob(job.id ?? '')
              .then((fresh) => fresh?.moveToWait(token))
              .then(
                () => true,
                (err: unknown) => {
                  this.logger.warn({ err, jobId: job.id, queue }, 'could not give an event back');
                  return false;
                },
              ),
          ),
        );
        const given = results.filter(Boolean).length;
        this.logger.warn({ given, of: jobs.length }, 'gave unfinished events back on shutdown');
      },
    );
  }
}

/**
 * Closes workers: stop fetching, let in-flight jobs finish for up to `graceMs`, then give the
 * rest back (when the caller can) and close without waiting for them. Without a give-back
 * (commands), unfinished jobs stay locked until the lock expires; another worker's stalled check
 * then moves them back. Nothing is lost, it is only delayed.
 */
export async function closeWorkers(
  workers: Worker[],
  graceMs: number,
  inFlight: () => number,
  giveBack: () => Promise<void> = async () => undefined,
): Promise<void> {
  await Promise.all(workers.map((w) => w.pause(true)));
  const deadline = Date.now() + graceMs;
  while (inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const stuck = inFlight() > 0;
  // Closed first, so that the give-back cannot be fetched again by these very workers.
  await Promise.all(workers.map((w) => w.close(stuck)));
  if (stuck) await giveBack();
}
