import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { Queue, type JobsOptions } from 'bullmq';
import {
  eventCatalogue,
  isEventName,
  parseEvent,
  streamOf,
  type AnyEvent,
  type EventName,
} from '@ccx/contracts';
import type { Logger } from '@ccx/observability';
import { logRedisError } from './connections';
import { InvalidEventError, PublishTimeoutError } from './errors';
import type { GroupRegistry, RegistrySnapshot } from './group-registry';
import { eventJobId, type EventJobData } from './job-data';
import { eventJobOptions, MAX_EVENTS_PER_JOB, queueOptions, type RetryPolicy } from './job-options';
import { eventQueueName } from './keys';
import type { BusMetrics } from './metrics';
import { registerPresence } from './presence-register';
import type { PublishRequest } from './types';

interface PlannedJob {
  queue: string;
  name: string;
  data: EventJobData;
  opts: JobsOptions;
}

export interface PublisherOptions {
  prefix: string;
  source: string;
  publishTimeoutMs: number;
  /**
   * Minimum spacing of coalesced sends: a publish() within this many ms of the previous send
   * waits for the rest of the window (publish() calls made meanwhile go with it). -1: no
   * coalescing at all (one send per publish() call).
   */
  lingerMs: number;
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
  if (parsed.value.eventId.includes(':')) throw new InvalidEventError(name, 'eventId contains ":"');
  return parsed.value;
}

/** One job per (group queue, chunk of at most MAX_EVENTS_PER_JOB events). */
export function planJobs(events: readonly AnyEvent[], snapshot: RegistrySnapshot): PlannedJob[] {
  const byQueue = new Map<string, { policy: RetryPolicy; events: AnyEvent[]; ids: Set<string> }>();
  for (const event of events) {
    const stream = streamOf(event.name as EventName);
    for (const { group, policy } of snapshot.groupsOf(event.name as EventName)) {
      const queue = eventQueueName(group, stream);
      const entry = byQueue.get(queue);
      if (!entry) byQueue.set(queue, { policy, events: [event], ids: new Set([event.eventId]) });
      else if (!entry.ids.has(event.eventId)) {
        // The same eventId twice in one send (e.g. two coalesced publishes): one job entry.
        entry.ids.add(event.eventId);
        entry.events.push(event);
      }
    }
  }
  const jobs: PlannedJob[] = [];
  for (const [queue, { policy, events: list }] of byQueue) {
    for (let i = 0; i < list.length; i += MAX_EVENTS_PER_JOB) {
      const chunk = list.slice(i, i + MAX_EVENTS_PER_JOB);
      const id = eventJobId(chunk);
      const name = chunk.length === 1 ? (chunk[0]?.name ?? 'batch') : 'batch';
      jobs.push({
        queue,
        name,
        data: { events: chunk },
        opts: eventJobOptions(id, policy, chunk.length),
      });
    }
  }
  return jobs;
}

interface Waiter {
  events: AnyEvent[];
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Publishes events: for every subscribed group, jobs in `ev.<group>.<stream>`. A publish resolves
 * once Redis has accepted every job (the acknowledged point); with `appendfsync always` that
 * also means they are on disk.
 */
export class Publisher {
  private readonly queues = new Map<string, Queue>();
  private lingering: Waiter[] = [];
  private lingeringCount = 0;
  private flushTimer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** Coalesced sends in flight. */
  private sending = 0;
  private lastSendAt = 0;
  private scriptsLoaded?: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly registry: GroupRegistry,
    private readonly options: PublisherOptions,
    private readonly metrics: BusMetrics,
    private readonly logger: Logger,
  ) {}

  /** Validates, then sends; single publishes may be coalesced within the linger window. */
  async publish(requests: readonly PublishRequest[], coalesce: boolean): Promise<AnyEvent[]> {
    const events = requests.map((r) => buildEvent(r, this.options.source));
    const send = () =>
      coalesce && this.options.lingerMs >= 0 ? this.linger(events) : this.deliver(events);
    // presence.changed first updates the presence register, so a decision that reads it never
    // misses a presence published before it, whatever the consumers have handled so far.
    const sent = events.some((e) => e.name === 'presence.changed')
      ? registerPresence(this.redis, this.options.prefix, events).then(send)
      : send();
    await this.withTimeout(
      sent,
      events.map((e) => e.name),
    );
    for (const event of events) this.metrics.published.inc({ event: event.name });
    return events;
  }

  /**
   * Natural batching: a publish goes out at the end of the current event-loop turn, unless a
   * previous send is still in flight or left less than `lingerMs` ago; then it waits for that
   * and leaves with everything that queued up meanwhile. No delay when idle, bigger batches
   * under load. A full batch goes out without waiting.
   */
  private linger(events: AnyEvent[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.lingering.push({ events, resolve, reject });
      this.lingeringCount += events.length;
      if (this.lingeringCount >= MAX_EVENTS_PER_JOB) this.flush();
      else if (this.sending === 0) this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    const wait = this.lastSendAt + this.options.lingerMs - performance.now();
    this.flushTimer =
      wait > 0 ? setTimeout(() => this.flush(), wait) : setImmediate(() => this.flush());
  }

  private flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer as NodeJS.Timeout);
      clearImmediate(this.flushTimer as NodeJS.Immediate);
      this.flushTimer = undefined;
    }
    const waiters = this.lingering;
    this.lingering = [];
    this.lingeringCount = 0;
    if (waiters.length === 0) return;
    this.sending++;
    this.lastSendAt = performance.now();
    this.deliver(waiters.flatMap((w) => w.events))
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (err: unknown) => waiters.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.sending--;
        if (this.sending === 0 && this.lingering.length > 0) this.scheduleFlush();
      });
  }

  private async deliver(events: AnyEvent[]): Promise<void> {
    const snapshot = await this.registry.current();
    const jobs = planJobs(events, snapshot);
    // The version read travels in the same pipeline as the jobs. If a group registered before
    // this publish began, the version differs from our snapshot's and we add its jobs now.
    const [version] = await Promise.all([this.registry.version(), this.addJobs(jobs)]);
    if (version === snapshot.version) return;
    const fresh = await this.registry.refresh();
    const added: RegistrySnapshot = {
      version: fresh.version,
      groupsOf: (name) => {
        const before = new Set(snapshot.groupsOf(name).map((g) => g.group));
        return fresh.groupsOf(name).filter((g) => !before.has(g.group));
      },
    };
    await this.addJobs(planJobs(events, added));
  }

  /**
   * BullMQ defines its Lua scripts on the client when a queue first connects. ioredis copies a
   * client's scripts into an autopipeline when it creates it, and `INFO` (which BullMQ awaits
   * after defining them) bypasses autopipelining, so a queue's first job could join a pipeline
   * made just before: "pipeline[functionName] is not a function", then a crash on that
   * pipeline's replies (seen on a media worker's first two events in one turn). So the scripts
   * are defined once before any job is added, and the pipeline pending then is let go first.
   */
  private loadScripts(): Promise<void> {
    this.scriptsLoaded ??= (async () => {
      await new Queue(
        'bus-scripts',
        queueOptions(this.options.prefix, this.redis),
      ).waitUntilReady();
      await new Promise<void>((resolve) => setImmediate(resolve));
    })().catch((err: unknown) => {
      this.scriptsLoaded = undefined; // try again with the next publish
      throw err;
    });
    return this.scriptsLoaded;
  }

  private async addJobs(jobs: PlannedJob[]): Promise<void> {
    await this.loadScripts();
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
        if (list.length === 1 && only) return queue.add(only.name, only.data, only.opts);
        return queue.addBulk(list.map(({ name: n, data, opts }) => ({ name: n, data, opts })));
      }),
    );
  }

  queue(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, queueOptions(this.options.prefix, this.redis));
      queue.on('error', logRedisError(this.logger, { queue: name }));
      this.queues.set(name, queue);
    }
    return queue;
  }

  private async withTimeout<T>(work: Promise<T>, names: string[]): Promise<T> {
    const { publishTimeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PublishTimeoutError([...new Set(names)], publishTimeoutMs)),
        publishTimeoutMs,
      );
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.flush();
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
  }
}
