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

export interface HandlerContext {
  /** Consumer group (one per subscribing service). */
  group: string;
  /** 1 on first delivery, >1 on retries and redeliveries after a crash. */
  attempt: number;
}

export type EventHandler<N extends EventName> = (
  event: EventOf<N>,
  ctx: HandlerContext,
) => Promise<void>;

export interface SubscribeOptions {
  concurrency?: number;
  /** Attempts before the event lands in the group's dead letters. */
  attempts?: number;
}

export interface CommandOptions {
  /** Bounded wait for the reply; a timeout rejects with CommandTimeoutError. */
  timeoutMs?: number;
  /** Address one instance (e.g. the least-loaded media worker) instead of any. */
  target?: string;
}

export type CommandHandler<N extends CommandName> = (
  request: CommandRequest<N>,
) => Promise<CommandReply<N>>;

export interface DeadLetter {
  group: string;
  stream: string;
  jobId: string;
  event: AnyEvent;
  failedReason: string;
  attempts: number;
  failedAt: string;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface EventBus {
  publish<N extends EventName>(name: N, input: PublishInput<N>): Promise<EventOf<N>>;
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
    options?: { target?: string; concurrency?: number },
  ): Promise<Subscription>;
  deadLetters(group: string, limit?: number): Promise<DeadLetter[]>;
  replay(group: string, jobId: string): Promise<void>;
  close(): Promise<void>;
}
