import type {
  AnyEvent,
  CommandName,
  CommandReply,
  CommandRequest,
  CommandRequestInput,
  EventInput,
  EventName,
  EventOf,
} from '@ccx/contracts';

/** What a publisher supplies; the bus fills eventId (unless given), occurredAt, version, source. */
export interface PublishInput<N extends EventName> {
  tenantId: string;
  data: EventInput<N>;
  callId?: string;
  seq?: number;
  correlationId?: string;
  /** Give a deterministic id to make a re-publish of the same fact a no-op. */
  eventId?: string;
  occurredAt?: string;
}

/** One item of `publishMany`: the event name beside its publish input. */
export type PublishRequest<N extends EventName = EventName> = {
  [K in N]: PublishInput<K> & { name: K };
}[N];

export interface HandlerContext {
  /** Consumer group (one per subscribing service). */
  group: string;
  /** 1 on first delivery, >1 on retries and redeliveries after a crash. */
  attempt: number;
  /** Attempts this group allows before the event becomes a dead letter. */
  maxAttempts: number;
}

/** The event of one of the names N, as a union discriminated by `name` (narrow with a switch). */
export type EventFor<N extends EventName> = N extends EventName ? EventOf<N> : never;

export type EventHandler<N extends EventName> = (
  event: EventFor<N>,
  ctx: HandlerContext,
) => Promise<void>;

export interface SubscribeOptions {
  /** Jobs this process handles in parallel for one (group, stream) queue. Default 16. */
  concurrency?: number;
  /**
   * Attempts before the event lands in the group's dead letters (default 8). This is a policy of
   * the whole group, stored in the group registry; publishers stamp it on the group's jobs.
   */
  attempts?: number;
  /** First retry delay; doubles per attempt, with jitter (default 1000 ms). Group policy too. */
  backoffMs?: number;
}

export interface CommandOptions {
  /** Bounded wait for the reply; a timeout rejects with CommandTimeoutError. Default 5000. */
  timeoutMs?: number;
  /** Address one instance (e.g. the least-loaded media worker) instead of any. */
  target?: string;
}

export type CommandHandler<N extends CommandName> = (
  request: CommandRequest<N>,
) => Promise<CommandReply<N>>;

export interface HandleCommandOptions {
  /** Serve the queue of this target only (`cmd.<name>.<target>`); without it, `cmd.<name>`. */
  target?: string;
  concurrency?: number;
}

export interface DeadLetter {
  group: string;
  stream: string;
  jobId: string;
  /** The event as stored; `unknown` fields stay as they were if it failed validation. */
  event: AnyEvent;
  failedReason: string;
  attempts: number;
  failedAt: string;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface BusHealth {
  redis: 'up' | 'down';
  latencyMs?: number;
  workers: number;
  running: number;
}

export interface EventBus {
  /** Resolves once Redis accepted the job of every subscribed group (the acknowledged point). */
  publish<N extends EventName>(name: N, input: PublishInput<N>): Promise<EventOf<N>>;
  /** Several events in as few round trips as possible; resolves when all are acknowledged. */
  publishMany(items: readonly PublishRequest[]): Promise<AnyEvent[]>;
  subscribe<N extends EventName>(
    group: string,
    names: readonly N[],
    handler: EventHandler<N>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  command<N extends CommandName>(
    name: N,
    request: CommandRequestInput<N>,
    options?: CommandOptions,
  ): Promise<CommandReply<N>>;
  handleCommand<N extends CommandName>(
    name: N,
    handler: CommandHandler<N>,
    options?: HandleCommandOptions,
  ): Promise<Subscription>;
  /**
   * Whether a process handling `name` (on `target`) is connected to Redis now: BullMQ names each
   * worker's connection after its queue, so a process that died has no connection left. Slow
   * (CLIENT LIST): for periodic checks, not per call.
   */
  commandServed(name: CommandName, target?: string): Promise<boolean>;
  deadLetters(group: string, limit?: number): Promise<DeadLetter[]>;
  /** Moves a dead letter back to its group's queue with a fresh set of attempts. */
  replay(group: string, jobId: string): Promise<void>;
  /** Redis reachable and every worker of this process running. Throws when unhealthy. */
  health(): Promise<BusHealth>;
  /** Stops workers (in-flight jobs finish, or are given back after the grace period), closes connections. */
  close(): Promise<void>;
}
