import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { z } from 'zod';
import {
  commandCatalogue,
  isCommandName,
  type CommandName,
  type CommandReply,
  type CommandRequestInput,
} from '@ccx/contracts';
import type { Logger } from '@ccx/observability';
import { logRedisError } from './connections';
import { closeWorkers } from './consumers';
import {
  BusClosedError,
  CommandFailedError,
  CommandTimeoutError,
  InvalidCommandError,
} from './errors';
import { commandJobOptions, DEFAULT_CONCURRENCY, workerOptions } from './job-options';
import { assertSlug, commandQueueName } from './keys';
import type { BusMetrics } from './metrics';
import type { Publisher } from './publisher';
import type { CommandHandler, CommandOptions, HandleCommandOptions, Subscription } from './types';

export const DEFAULT_COMMAND_TIMEOUT_MS = 5_000;

/** What travels in a command job. `deadline` is epoch ms: past it, the request is not executed. */
const requestEnvelope = z.object({
  requestId: z.string().min(1),
  command: z.string().min(1),
  target: z.string().optional(),
  replyTo: z.string().min(1),
  deadline: z.number().int(),
  caller: z.string(),
  request: z.unknown(),
});
type RequestEnvelope = z.infer<typeof requestEnvelope>;

const replyEnvelope = z.discriminatedUnion('ok', [
  z.object({ requestId: z.string(), ok: z.literal(true), reply: z.unknown(), by: z.string() }),
  z.object({ requestId: z.string(), ok: z.literal(false), error: z.string(), by: z.string() }),
]);
type ReplyEnvelope = z.infer<typeof replyEnvelope>;

interface Pending {
  resolve(reply: ReplyEnvelope): void;
  reject(err: Error): void;
}

const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Commands: a request is a job in `cmd.<name>[.<target>]`; the handler's reply (or error) comes
 * back on the caller instance's pub/sub reply channel, which is faster than BullMQ's
 * QueueEvents stream and needs no extra blocking connection per caller.
 */
export class Commands {
  private readonly pending = new Map<string, Pending>();
  private readonly workers = new Map<string, Worker>();
  private closed = false;
  private inFlight = 0;

  constructor(
    private readonly redis: Redis,
    private readonly workerRedis: Redis,
    private readonly publisher: Publisher,
    private readonly prefix: string,
    private readonly instanceId: string,
    private readonly replyChannel: string,
    private readonly ensureReplyChannel: () => Promise<void>,
    private readonly lockDurationMs: number,
    private readonly metrics: BusMetrics,
    private readonly logger: Logger,
  ) {}

  async command<N extends CommandName>(
    name: N,
    request: CommandRequestInput<N>,
    options: CommandOptions = {},
  ): Promise<CommandReply<N>> {
    if (this.closed) throw new BusClosedError();
    if (!isCommandName(name)) throw new InvalidCommandError(String(name), 'unknown command');
    if (options.target !== undefined) assertSlug('target', options.target);
    const entry = commandCatalogue[name];
    const parsed = entry.request.safeParse(request);
    if (!parsed.success) throw new InvalidCommandError(name, z.prettifyError(parsed.error));
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const { target } = options;
    const started = performance.now();
    const requestId = randomUUID();
    const envelope: RequestEnvelope = {
      requestId,
      command: name,
      target,
      replyTo: this.replyChannel,
      deadline: Date.now() + timeoutMs,
      caller: this.instanceId,
      request: parsed.data,
    };
    const queue = this.publisher.queue(commandQueueName(name, target));
    let timer: NodeJS.Timeout | undefined;
    const replied = new Promise<ReplyEnvelope>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      timer = setTimeout(() => {
        this.pending.delete(requestId);
        // Best effort: drop the request if no worker took it yet (its deadline guards the rest).
        queue.remove(requestId).catch(() => undefined);
        reject(new CommandTimeoutError(name, target, timeoutMs, requestId));
      }, timeoutMs);
    });
    try {
      await this.ensureReplyChannel();
      await Promise.race([queue.add(name, envelope, commandJobOptions(requestId)), replied]);
      const reply = await replied;
      if (!reply.ok) throw new CommandFailedError(name, target, reply.error, requestId, reply.by);
      const value = entry.reply.safeParse(reply.reply);
      if (!value.success) {
        const reason = `invalid reply: ${z.prettifyError(value.error)}`;
        throw new CommandFailedError(name, target, reason, requestId, reply.by);
      }
      this.metrics.commands.inc({ command: name, outcome: 'ok' });
      return value.data as CommandReply<N>;
    } catch (err) {
      const outcome = err instanceof CommandTimeoutError ? 'timeout' : 'failed';
      this.metrics.commands.inc({ command: name, outcome });
      throw err;
    } finally {
      clearTimeout(timer);
      this.pending.delete(requestId);
      this.metrics.commandSeconds.observe({ command: name }, (performance.now() - started) / 1000);
    }
  }

  /** True when some process's worker for the command (on `target`) is connected to Redis. */
  async served(name: CommandName, target?: string): Promise<boolean> {
    if (!isCommandName(name)) throw new InvalidCommandError(String(name), 'unknown command');
    if (target !== undefined) assertSlug('target', target);
    return (await this.publisher.queue(commandQueueName(name, target)).getWorkersCount()) > 0;
  }

  /** Called with every message on this instance's reply channel. */
  onReply(message: string): void {
    let parsed: ReturnType<typeof replyEnvelope.safeParse>;
    try {
      parsed = replyEnvelope.safeParse(JSON.parse(message));
    } catch {
      return;
    }
    if (!parsed.success) return;
    this.pending.get(parsed.data.requestId)?.resolve(parsed.data);
  }

  async handleCommand<N extends CommandName>(
    name: N,
    handler: CommandHandler<N>,
    options: HandleCommandOptions = {},
  ): Promise<Subscription> {
    if (!isCommandName(name)) throw new InvalidCommandError(String(name), 'unknown command');
    if (options.target !== undefined) assertSlug('target', options.target);
    const queue = commandQueueName(name, options.target);
    if (this.workers.has(queue)) throw new Error(`${queue} already has a handler in this process`);
    const worker = new Worker(
      queue,
      async (job: Job) => {
        this.inFlight++;
        try {
          await this.execute(name, handler, job);
        } finally {
          this.inFlight--;
        }
      },
      workerOptions(this.prefix, this.workerRedis, {
        concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
        lockDurationMs: this.lockDurationMs,
        name: this.instanceId,
      }),
    );
    worker.on('error', logRedisError(this.logger, { queue }));
    this.workers.set(queue, worker);
    await worker.waitUntilReady();
    return {
      close: async () => {
        if (this.workers.get(queue) !== worker) return;
        this.workers.delete(queue);
        await worker.close();
      },
    };
  }

  private async execute<N extends CommandName>(
    name: N,
    handler: CommandHandler<N>,
    job: Job,
  ): Promise<void> {
    const envelope = requestEnvelope.safeParse(job.data);
    if (!envelope.success) {
      this.metrics.commandsHandled.inc({ command: name, outcome: 'invalid' });
      throw new UnrecoverableError(`invalid command envelope: ${z.prettifyError(envelope.error)}`);
    }
    const { requestId, replyTo, deadline } = envelope.data;
    if (Date.now() > deadline) {
      // The caller has given up already; executing now could act on a stale request.
      this.metrics.commandsHandled.inc({ command: name, outcome: 'expired' });
      this.logger.warn(
        { command: name, requestId, lateMs: Date.now() - deadline },
        'command expired',
      );
      return;
    }
    const reply = (body: { ok: true; reply: unknown } | { ok: false; error: string }) =>
      this.redis.publish(replyTo, JSON.stringify({ requestId, by: this.instanceId, ...body }));
    const entry = commandCatalogue[name];
    const request = entry.request.safeParse(envelope.data.request);
    if (!request.success) {
      const error = `invalid request: ${z.prettifyError(request.error)}`;
      await reply({ ok: false, error });
      this.metrics.commandsHandled.inc({ command: name, outcome: 'invalid' });
      throw new UnrecoverableError(error);
    }
    let error: string;
    try {
      const result = await handler(request.data as Parameters<CommandHandler<N>>[0]);
      const checked = entry.reply.safeParse(result);
      if (checked.success) {
        await reply({ ok: true, reply: checked.data });
        this.metrics.commandsHandled.inc({ command: name, outcome: 'ok' });
        return;
      }
      error = `handler returned an invalid reply: ${z.prettifyError(checked.error)}`;
    } catch (err) {
      error = errorMessage(err);
    }
    this.metrics.commandsHandled.inc({ command: name, outcome: 'failed' });
    this.logger.warn({ command: name, requestId, error }, 'command failed');
    await reply({ ok: false, error });
    // Keep the request in the failed set for inspection; the caller already has the error.
    throw new UnrecoverableError(error);
  }

  workerList(): Worker[] {
    return [...this.workers.values()];
  }

  async close(graceMs: number): Promise<void> {
    this.closed = true;
    for (const [id, pending] of this.pending) {
      pending.reject(new BusClosedError());
      this.pending.delete(id);
    }
    const workers = this.workerList();
    this.workers.clear();
    await closeWorkers(workers, graceMs, () => this.inFlight);
  }
}
