import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { EventName, EventOf } from '@ccx/contracts';
import { createLogger, type Logger, type Registry } from '@ccx/observability';
import { Commands } from './commands';
import { closeClient, createRedisClient, watchConnection } from './connections';
import { Consumers } from './consumers';
import { listDeadLetters, replayDeadLetter } from './dead-letters';
import { BusClosedError } from './errors';
import { GroupRegistry } from './group-registry';
import { DEFAULT_LINGER_MS, DEFAULT_LOCK_DURATION_MS } from './job-options';
import { registryKeys } from './keys';
import { busMetrics } from './metrics';
import { Publisher } from './publisher';
import type { EventBus, PublishRequest } from './types';

export interface EventBusOptions {
  redisUrl: string;
  /** BullMQ key prefix and prefix of the registry keys; one per deployment (or per test). */
  prefix: string;
  /** Name of the publishing service, stamped as `source` on every event. */
  source: string;
  instanceId?: string;
  /** How long a job stays locked by its worker without a renewal (crash detection). Default 30 s. */
  lockDurationMs?: number;
  /** How long a publish may wait for Redis (e.g. during a restart) before failing. Default 10 s. */
  publishTimeoutMs?: number;
  /**
   * publish() calls are batched naturally: those made in one event-loop turn, or while a previous
   * send is in flight, leave together, and consecutive sends are at least lingerMs apart
   * (default 1; a publish after a quiet millisecond leaves at once). -1 disables coalescing (one
   * send per call; much slower under load).
   */
  lingerMs?: number;
  /** How long close() lets in-flight handlers finish before giving their jobs back. Default 5 s (under the service's SHUTDOWN_TIMEOUT_MS). */
  closeGraceMs?: number;
  logger?: Logger;
  metrics?: Registry;
}

/**
 * Creates the bus of one service instance. Connections: one autopipelined client for publishing
 * and commands, one for workers (each worker duplicates it for its blocking reads), one pub/sub
 * subscriber. Nothing blocks until first use; `close()` releases everything.
 */
export function createEventBus(options: EventBusOptions): EventBus {
  const instanceId =
    options.instanceId ??
    `${options.source}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const logger = (options.logger ?? createLogger(options.source)).child({ component: 'event-bus' });
  const metrics = busMetrics(options.metrics);
  const keys = registryKeys(options.prefix);
  const lockDurationMs = options.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS;
  const closeGraceMs = options.closeGraceMs ?? 5_000;
  const clientName = `${options.prefix}:${instanceId}`;

  const redis = createRedisClient(options.redisUrl, 'publisher', clientName);
  const workerRedis = createRedisClient(options.redisUrl, 'worker', clientName);
  const subscriber = createRedisClient(options.redisUrl, 'subscriber', clientName);
  watchConnection(redis, logger, 'publisher');
  watchConnection(workerRedis, logger, 'worker');
  watchConnection(subscriber, logger, 'subscriber');

  const registry = new GroupRegistry(redis, keys);
  const publisher = new Publisher(
    redis,
    registry,
    {
      prefix: options.prefix,
      source: options.source,
      publishTimeoutMs: options.publishTimeoutMs ?? 10_000,
      lingerMs: options.lingerMs ?? DEFAULT_LINGER_MS,
    },
    metrics,
    logger,
  );
  const consumers = new Consumers(
    workerRedis,
    registry,
    options.prefix,
    instanceId,
    lockDurationMs,
    metrics,
    logger,
    (name) => publisher.queue(name),
  );
  const replyChannel = keys.replyChannel(instanceId);
  let subscribed: Promise<void> | undefined;
  const ensureSubscribed = () => {
    subscribed ??= subscriber.subscribe(keys.channel, replyChannel).then(
      () => undefined,
      (err: unknown) => {
        subscribed = undefined; // try again on the next call
        throw err;
      },
    );
    return subscribed;
  };
  const commands = new Commands(
    redis,
    workerRedis,
    publisher,
    options.prefix,
    instanceId,
    replyChannel,
    ensureSubscribed,
    lockDurationMs,
    metrics,
    logger,
  );
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === keys.channel) registry.invalidate();
    else if (channel === replyChannel) commands.onReply(message);
  });
  // Pub/sub messages sent while the subscriber was reconnecting are lost: start from a fresh
  // registry snapshot after every reconnect (ioredis re-subscribes by itself).
  subscriber.on('ready', () => registry.invalidate());

  let closed = false;
  const open = () => {
    if (closed) throw new BusClosedError();
  };

  const bus: EventBus = {
    async publish<N extends EventName>(name: N, input: Parameters<EventBus['publish']>[1]) {
      open();
      void ensureSubscribed().catch(() => undefined);
      const [event] = await publisher.publish([{ ...input, name } as PublishRequest], true);
      return event as EventOf<N>;
    },
    async publishMany(items) {
      open();
      void ensureSubscribed().catch(() => undefined);
      return items.length === 0 ? [] : publisher.publish(items, false);
    },
    async subscribe(group, names, handler, subscribeOptions) {
      open();
      await ensureSubscribed();
      return consumers.subscribe(group, names, handler, subscribeOptions);
    },
    command(name, request, commandOptions) {
      return commands.command(name, request, commandOptions);
    },
    async handleCommand(name, handler, handleOptions) {
      open();
      return commands.handleCommand(name, handler, handleOptions);
    },
    async commandServed(name, target) {
      open();
      return commands.served(name, target);
    },
    async deadLetters(group, limit = 100) {
      open();
      return listDeadLetters(publisher, registry, group, limit);
    },
    async replay(group, jobId) {
      open();
      await replayDeadLetter(publisher, registry, group, jobId);
    },
    async health() {
      const started = performance.now();
      await pingOrThrow(redis);
      const workers = [...consumers.workers(), ...commands.workerList()];
      const running = workers.filter((w) => w.isRunning()).length;
      const status = {
        redis: 'up' as const,
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        workers: workers.length,
        running,
      };
      if (running < workers.length) {
        throw new Error(
          `${workers.length - running} of ${workers.length} bus workers are not running`,
        );
      }
      return status;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([consumers.close(closeGraceMs), commands.close(closeGraceMs)]);
      await publisher.close();
      await Promise.all([redis, workerRedis, subscriber].map(closeClient));
    },
  };
  return bus;
}

const HEALTH_PING_TIMEOUT_MS = 1_000;

/** PING with its own bound: commands otherwise wait in the offline queue while Redis is down. */
async function pingOrThrow(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') throw new Error(`redis connection is ${redis.status}`);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`redis did not answer PING within ${HEALTH_PING_TIMEOUT_MS} ms`)),
      HEALTH_PING_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
