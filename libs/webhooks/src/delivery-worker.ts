import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventBus } from '@ccx/event-bus';
import type { Logger } from '@ccx/observability';
import type { WebhookSettings } from './config';
import {
  BACKOFF_TYPE,
  createRedis,
  WEBHOOK_QUEUE,
  type DeliveryJob,
  type QueueConnection,
} from './delivery-queue';
import type { DeliveryStore } from './delivery-store';
import type { WebhookSender } from './http-sender';
import { retryDelayMs } from './retry-schedule';
import { nameBasedUuid, webhookIdOf } from './signing';
import type { WebhookMetrics } from './metrics';
import type { ActiveSubscription, SubscriptionCache } from './subscription-cache';
import type { SubscriptionStore } from './subscription-store';

/** Thrown to BullMQ to schedule the next attempt; carries the delay already recorded. */
class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}

export type AttemptVerdict =
  | { kind: 'succeeded' }
  | { kind: 'failed' }
  | { kind: 'abandoned' }
  | { kind: 'retry'; delayMs: number };

export interface DeliveryDeps {
  settings: WebhookSettings;
  cache: SubscriptionCache;
  deliveries: DeliveryStore;
  subscriptions: SubscriptionStore;
  sender: WebhookSender;
  /** Where webhook.endpoint-disabled (and config.changed) are published. */
  events: Pick<EventBus, 'publish'>;
  logger?: Logger;
  metrics?: WebhookMetrics;
  random?: () => number;
}

/**
 * One attempt of one delivery: sign, POST, record, decide. Plain logic; `DeliveryWorker`
 * runs it under BullMQ, which owns the timing of retries.
 */
export class DeliveryProcessor {
  constructor(private readonly deps: DeliveryDeps) {}

  async attempt(job: DeliveryJob, attemptInSeries: number): Promise<AttemptVerdict> {
    const { cache, deliveries, sender, settings } = this.deps;
    const sub = await cache.get(job.tenantId, job.subscriptionId);
    if (!sub) {
      await deliveries.abandon(job.deliveryId, 'the subscription is disabled or deleted');
      return { kind: 'abandoned' };
    }
    const at = new Date();
    const headers = sub.signer.sign(webhookIdOf(job.deliveryId), at, job.body);
    const res = await sender.post(sub.url, job.body, headers);
    const metrics = this.deps.metrics;
    metrics?.attemptSeconds.observe(res.durationMs / 1000);
    const base = { deliveryId: job.deliveryId, at, ...res };
    if (res.statusCode !== null && res.statusCode >= 200 && res.statusCode < 300) {
      await deliveries.record({ ...base, status: 'succeeded', nextAttemptAt: null });
      metrics?.attempts.inc({ outcome: 'succeeded' });
      return { kind: 'succeeded' };
    }
    if (res.error?.startsWith('target refused')) metrics?.refused.inc();
    this.deps.logger?.debug(
      {
        tenantId: job.tenantId,
        deliveryId: job.deliveryId,
        attempt: attemptInSeries,
        error: res.error,
      },
      'webhook attempt failed',
    );
    const gone = res.statusCode === 410;
    if (gone || attemptInSeries >= settings.retry.attempts) {
      metrics?.attempts.inc({ outcome: 'failed' });
      await deliveries.record({ ...base, status: 'failed', nextAttemptAt: null });
      await this.deliveryFailed(sub, gone, res.error ?? 'failed');
      return { kind: 'failed' };
    }
    metrics?.attempts.inc({ outcome: 'retry' });
    const delayMs = retryDelayMs(attemptInSeries, settings.retry, this.deps.random);
    const nextAttemptAt = new Date(at.getTime() + res.durationMs + delayMs);
    await deliveries.record({ ...base, status: 'pending', nextAttemptAt });
    return { kind: 'retry', delayMs };
  }

  /** A delivery ended in failure: extend the streak; disable on 410 or past the threshold. */
  private async deliveryFailed(sub: ActiveSubscription, gone: boolean, lastError: string) {
    const streak = await this.deps.subscriptions.addFailedDelivery(sub.id);
    const threshold = this.deps.settings.disableAfterFailedDeliveries;
    if (!gone && streak < threshold) return;
    const reason = gone
      ? 'the endpoint answered 410 Gone'
      : `${streak} consecutive deliveries failed every attempt (last: ${lastError})`;
    await this.disable(sub, reason, streak);
  }

  private async disable(sub: ActiveSubscription, reason: string, failures: number) {
    const row = await this.deps.subscriptions.disable(sub.id, reason);
    this.deps.cache.invalidate(sub.tenantId);
    if (!row) return; // someone else disabled it first and announced it
    this.deps.metrics?.disabled.inc();
    this.deps.logger?.warn(
      { tenantId: sub.tenantId, subscriptionId: sub.id, reason },
      'webhook subscription disabled',
    );
    const { events } = this.deps;
    const fact = `${sub.id}/${row.revision}`;
    await Promise.all([
      events.publish('webhook.endpoint-disabled', {
        tenantId: sub.tenantId,
        eventId: nameBasedUuid(`endpoint-disabled/${fact}`),
        data: { subscriptionId: sub.id, url: row.url, failures },
      }),
      events.publish('config.changed', {
        tenantId: sub.tenantId,
        eventId: nameBasedUuid(`config-changed/webhook/${fact}`),
        data: { resource: 'webhook', id: sub.id, action: 'updated', revision: row.revision },
      }),
    ]).catch((err: unknown) =>
      this.deps.logger?.error({ err, subscriptionId: sub.id }, 'could not announce the disable'),
    );
  }
}

/** The BullMQ worker of the `webhook-deliveries` queue; runs inside the api process. */
export class DeliveryWorker {
  private readonly worker: Worker<DeliveryJob>;
  private readonly redis: Redis;

  constructor(
    conn: QueueConnection,
    private readonly deps: DeliveryDeps,
  ) {
    const processor = new DeliveryProcessor(deps);
    const policy = deps.settings.retry;
    this.redis = createRedis(conn, 'worker');
    this.worker = new Worker<DeliveryJob>(
      WEBHOOK_QUEUE,
      async (job: Job<DeliveryJob>) => {
        const verdict = await processor.attempt(job.data, job.attemptsMade + 1);
        if (verdict.kind === 'retry') throw new RetryLater(verdict.delayMs, 'will retry');
        return verdict.kind;
      },
      {
        connection: this.redis,
        prefix: conn.prefix,
        concurrency: deps.settings.concurrency,
        autorun: false,
        settings: {
          backoffStrategy: (attemptsMade, type, err) =>
            type === BACKOFF_TYPE && err instanceof RetryLater
              ? err.delayMs
              : retryDelayMs(Math.max(1, attemptsMade), policy, deps.random),
        },
      },
    );
    this.worker.on('failed', (job, err) => void this.onFailed(job, err));
    this.worker.on('error', (err) => deps.logger?.error({ err }, 'webhook worker error'));
  }

  /** Starts pulling jobs (resolves once the worker is connected). */
  async start(): Promise<void> {
    void this.worker.run();
    await this.worker.waitUntilReady();
  }

  /**
   * A job that failed for a reason other than the endpoint (e.g. the database was down) and ran
   * out of attempts must not leave its delivery pending forever.
   */
  private async onFailed(job: Job<DeliveryJob> | undefined, err: Error): Promise<void> {
    if (!job || err instanceof RetryLater) return;
    this.deps.logger?.error({ err, deliveryId: job.data.deliveryId }, 'webhook delivery error');
    if (job.attemptsMade < (job.opts.attempts ?? 1)) return;
    await this.deps.deliveries
      .abandon(job.data.deliveryId, `internal error: ${err.message}`.slice(0, 500))
      .catch(() => undefined);
  }

  isRunning(): boolean {
    return this.worker.isRunning();
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
