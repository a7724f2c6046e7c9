// Prometheus metrics of the routing replica: offers made, enqueue→offer latency, tenants loaded.
import { Counter, Gauge, Histogram, type Registry } from '@ccx/observability';
import type { RoutingRuntime } from '@ccx/routing-engine';

export function registerRoutingMetrics(registry: Registry, runtime: RoutingRuntime): void {
  const offers = new Counter({
    name: 'routing_offers_total',
    help: 'Offers made by this replica (agents reserved), by kind.',
    labelNames: ['kind'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'routing_enqueue_to_offer_seconds',
    help: 'From an interaction entering a queue to its first offer, when an agent was free.',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  new Gauge({
    name: 'routing_tenants',
    help: 'Tenants whose configuration this replica routes with.',
    registers: [registry],
    collect() {
      this.set(runtime.tenantIds().length);
    },
  });
  runtime.router.observer = (offer, ms) => {
    offers.inc({
      kind: offer.ringAll ? 'ring-all' : offer.interaction.callbackNumber ? 'callback' : 'voice',
    });
    if (ms !== undefined) latency.observe(ms / 1000);
  };
}
