import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import {
  eventCatalogue,
  isEventName,
  parseEvent,
  streamOf,
  type AnyEvent,
  type EventName,
} from '@ccx/contracts';
import type { Logger } from '@ccx/observability';
import { InvalidEventError, PublishTimeoutError } from './errors';
import type { GroupRegistry, RegistrySnapshot } from './group-registry';
import { eventJobOptions, queueOptions } from './job-options';
import { eventQueueName } from './keys';
import type { BusMetrics } from './metrics';
import type { PublishRequest } from './types';

interface PlannedJob {
  queue: string;
  event: AnyEvent;
  opts: ReturnType<typeof eventJobOptions>;
}

/** Builds and validates a complete event from what a publisher supplied. */
export function buildEvent(request: PublishRequest, source: string): AnyEvent {
  const { name } = request;
  if (!isEventName(name)) throw new InvalidEventError(String(name), 'unknown event name');
  const candidate: Record<string, unknown> = {
    eventId: request.eventId ?? randomUUID(),
    name,
    version: eventCatalogue[name].version,
    tenantId: request.tenantId,
    occurredAt: request.occurredAt ?? new Date().toISOString(),
    source,
    data: request.data,
  };
  if (request.callId !== undefined) candidate['callId'] = request.callId;
  if (request.seq !== undefined) candidate['seq'] = request.seq;
  if (request.correlationId !== undefined) candidate['correlationId'] = request.correlationId;
  const parsed = parseEvent(candidate);
  if (!parsed.ok) throw new InvalidEventError(name, parsed.error);
  return parsed.value;
}

function plan(events: readonly AnyEvent[], snapshot: RegistrySnapshot): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (const event of events) {
    const stream = streamOf(event.name as EventName);
    for (const { group, policy } of snapshot.groupsOf(event.name as EventName)) {
      jobs.push({
        queue: eventQueueName(group, stream),
        event,
        opts: eventJobOptions(event.eventId, policy),
      });
    }
  }
  return jobs;
}

/**
 * Publishes events: one BullMQ job per subscribed group, job id = eventId. A publish resolves
 * once Redis has accepted every job (the acknowledged point); with `appendfsync always` that
 * also means they are on disk.
 */
export class Publisher {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly redis: Redis,
    private readonly registry: GroupRegistry,
    private readonly prefix: string,
    private readonly source: string,
    private readonly publishTimeoutMs: number,
    private readonly metrics: BusMetrics,
    private readonly logger: Logger,
  ) {}

  async publish(requests: readonly PublishRequest[]): Promise<AnyEvent[]> {
    const events = requests.map((r) => buildEvent(r, this.source));
    await this.withTimeout(
      this.deliver(events),
      events.map((e) => e.name),
    );
    for (const event of events) this.metrics.published.inc({ event: event.name });
    return events;
  }

  private async deliver(events: AnyEvent[]): Promise<void> {
    const snapshot = await this.registry.current();
    const jobs = plan(events, snapshot);
    // The version read travels in the same pipeline as the jobs. If a group registered before
    // this publish began, the version differs from our snapshot's and we add its jobs now.
    const [version] = await Promise.all([this.registry.version(), this.addJobs(jobs)]);
    if (version === snapshot.version) return;
    const fresh = await this.registry.refresh();
    const done = new Set(jobs.map((j) => `${j.queue}|${j.event.eventId}`));
    const missing = plan(events, fresh).filter((j) => !done.has(`${j.queue}|${j.event.eventId}`));
    await this.addJobs(missing);
  }

  private async addJobs(jobs: PlannedJob[]): Promise<void> {
    const byQueue = new Map<string, PlannedJob[]>();
    for (const job of jobs) {
      const list = byQueue.get(job.queue);
      if (list) list.push(job);
      else byQueue.set(job.queue, [job]);
    }
    await Promise.all(
      [...byQueue].map(([name, list]) => {
        const queue = this.queue(name);
        const [only] = list;
        if (list.length === 1 && only) return queue.add(only.event.name, only.event, only.opts);
        return queue.addBulk(
          list.map((j) => ({ name: j.event.name, data: j.event, opts: j.opts })),
        );
      }),
    );
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, queueOptions(this.prefix, this.redis));
      queue.on('error', (err) => this.logger.warn({ err, queue: name }, 'bus queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async withTimeout<T>(work: Promise<T>, names: string[]): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishTimeoutError([...new Set(names)], this.publishTimeoutMs)),
        this.publishTimeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
  }
}
