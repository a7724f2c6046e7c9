import { eventNames, type AnyEvent } from '@ccx/contracts';
import type { EventBus, Subscription } from '@ccx/event-bus';
import type { DeliveryQueue } from './delivery-queue';
import type { DeliveryStore, NewDelivery } from './delivery-store';
import type { WebhookMetrics } from './metrics';
import { buildPayload, deliveryIdFor } from './signing';
import { matchesEvent, type SubscriptionCache } from './subscription-cache';

/** The event-bus consumer group of webhook dispatch. Stored in Redis: never rename it. */
export const WEBHOOK_CONSUMER_GROUP = 'webhooks';

export interface DispatcherDeps {
  cache: SubscriptionCache;
  deliveries: DeliveryStore;
  queue: DeliveryQueue;
  metrics?: WebhookMetrics;
}

/**
 * Turns bus events into deliveries: for each event, the tenant's enabled subscriptions whose
 * event types match get one `webhook_deliveries` row (id derived from subscription and event,
 * unique) and one job. A redelivered event hits the same rows and job ids, so it sends nothing
 * twice; a delivery left pending by a crash between insert and enqueue is queued again.
 */
export class WebhookDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Handles one event; returns how many deliveries were queued. */
  async handle(event: AnyEvent): Promise<number> {
    const { cache, deliveries, queue } = this.deps;
    if (event.name === 'config.changed' && event.data.resource === 'webhook') {
      cache.invalidate(event.tenantId);
    }
    const subs = (await cache.forTenant(event.tenantId)).filter((s) => matchesEvent(s, event.name));
    if (subs.length === 0) return 0;
    const payload = buildPayload(event);
    const body = JSON.stringify(payload);
    const rows: NewDelivery[] = subs.map((s) => ({
      id: deliveryIdFor(s.id, event.eventId),
      tenantId: event.tenantId,
      subscriptionId: s.id,
      eventId: event.eventId,
      eventName: event.name,
      body,
    }));
    const toQueue = new Set(await deliveries.insert(rows));
    const jobs = rows
      .filter((r) => toQueue.has(r.id))
      .map((r) => ({
        deliveryId: r.id,
        tenantId: r.tenantId,
        subscriptionId: r.subscriptionId,
        eventName: r.eventName,
        body,
      }));
    await queue.enqueue(jobs);
    this.deps.metrics?.queued.inc(jobs.length);
    return jobs.length;
  }

  /** Subscribes to every event of the catalogue as consumer group `webhooks`. */
  start(bus: EventBus, options: { concurrency?: number } = {}): Promise<Subscription> {
    return bus.subscribe(
      WEBHOOK_CONSUMER_GROUP,
      eventNames,
      async (event) => {
        await this.handle(event as AnyEvent);
      },
      { concurrency: options.concurrency ?? 128 },
    );
  }
}
