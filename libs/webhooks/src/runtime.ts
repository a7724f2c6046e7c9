import type { EventBus, Subscription } from '@ccx/event-bus';
import type { Logger, Registry } from '@ccx/observability';
import type { Database } from '@ccx/persistence';
import type { SecretBox } from '@ccx/security';
import type { WebhookSettings } from './config';
import { DeliveryQueue, type QueueConnection } from './delivery-queue';
import { DeliveryLog, DeliveryStore } from './delivery-store';
import { DeliveryWorker } from './delivery-worker';
import { WebhookDispatcher } from './dispatcher';
import { WebhookSender } from './http-sender';
import { webhookMetrics, type WebhookMetrics } from './metrics';
import { SubscriptionCache } from './subscription-cache';
import { SubscriptionStore } from './subscription-store';

export interface WebhookRuntimeOptions {
  db: Database;
  box: SecretBox;
  bus: EventBus;
  settings: WebhookSettings;
  connection: QueueConnection;
  logger?: Logger;
  /** Prometheus registry for the ccx_webhook_* metrics. */
  metrics?: Registry;
  /** Run the delivery worker in this process (default true). */
  worker?: boolean;
  /** Subscribe the dispatcher to the bus (default true). */
  dispatch?: boolean;
  random?: () => number;
}

/**
 * Everything webhook delivery needs, assembled once: the API process builds one of these
 * (its Nest module only wires it), tests and the benchmark build their own.
 */
export class WebhookRuntime {
  readonly cache: SubscriptionCache;
  readonly subscriptions: SubscriptionStore;
  readonly deliveries: DeliveryStore;
  /** The delivery log on the pool (requests in a transaction build one on it instead). */
  readonly log: DeliveryLog;
  readonly queue: DeliveryQueue;
  readonly sender: WebhookSender;
  readonly dispatcher: WebhookDispatcher;
  readonly worker?: DeliveryWorker;
  private subscription?: Subscription;
  private readonly metrics: WebhookMetrics;

  constructor(private readonly options: WebhookRuntimeOptions) {
    const { db, box, bus, settings, connection, logger } = options;
    this.metrics = webhookMetrics(options.metrics);
    this.subscriptions = new SubscriptionStore(db);
    this.deliveries = new DeliveryStore(db);
    this.log = new DeliveryLog(db);
    this.cache = new SubscriptionCache(this.subscriptions, box, settings.cacheTtlMs);
    this.queue = new DeliveryQueue(connection, settings.retry);
    this.sender = new WebhookSender({
      allowPrivateTargets: settings.allowPrivateTargets,
      timeoutMs: settings.timeoutMs,
    });
    this.dispatcher = new WebhookDispatcher({
      cache: this.cache,
      deliveries: this.deliveries,
      queue: this.queue,
      metrics: this.metrics,
    });
    if (options.worker !== false) {
      this.worker = new DeliveryWorker(connection, {
        settings,
        cache: this.cache,
        deliveries: this.deliveries,
        subscriptions: this.subscriptions,
        sender: this.sender,
        events: bus,
        metrics: this.metrics,
        ...(logger ? { logger } : {}),
        ...(options.random ? { random: options.random } : {}),
      });
    }
  }

  /**
   * Re-sends a delivery (any status) as a new series of attempts, with the same `webhook-id`.
   * `busy`: it is being sent this very moment; `disabled`: its subscription is off.
   */
  async replay(
    tenantId: string,
    subscriptionId: string,
    deliveryId: string,
  ): Promise<'queued' | 'busy' | 'disabled' | 'not-found'> {
    const row = await this.log.get(tenantId, subscriptionId, deliveryId);
    if (!row) return 'not-found';
    if (!(await this.cache.get(tenantId, subscriptionId))) return 'disabled';
    if (await this.queue.isActive(deliveryId)) return 'busy';
    await this.log.reopen(tenantId, subscriptionId, deliveryId);
    const queued = await this.queue.restart({
      deliveryId,
      tenantId,
      subscriptionId,
      eventName: row.eventName,
      body: JSON.stringify(row.payload),
    });
    return queued ? 'queued' : 'busy';
  }

  async start(): Promise<void> {
    await this.worker?.start();
    if (this.options.dispatch !== false) {
      this.subscription = await this.dispatcher.start(this.options.bus);
    }
  }

  /** For /health: the worker runs, and how many deliveries wait (a growing backlog shows). */
  async health(): Promise<Record<string, unknown>> {
    if (this.worker && !this.worker.isRunning()) throw new Error('webhook worker is not running');
    const counts = await this.queue.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    for (const [state, n] of Object.entries(counts)) this.metrics.backlog.set({ state }, n);
    return { ...counts };
  }

  async close(): Promise<void> {
    // The bus may already be closed by its own module; the subscription then is too.
    await this.subscription?.close().catch(() => undefined);
    await this.worker?.close();
    await this.queue.close();
    await this.sender.close();
  }
}
