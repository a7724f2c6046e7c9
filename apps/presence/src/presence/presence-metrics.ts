import { Gauge, Counter, type Registry } from 'prom-client';
import type { GraphThrottle } from '@ccx/graph';
import type { PresenceRuntime, TenantSyncStats } from '@ccx/presence-sync';
import type { PresenceHolder } from './presence-holder';

/** Prometheus figures of presence sync, read when scraped. */
export function registerPresenceMetrics(
  registry: Registry,
  runtime: PresenceRuntime,
  holder: PresenceHolder,
  throttle: GraphThrottle,
  published: Record<'notification' | 'poll', number>,
): void {
  const sum = (pick: (s: TenantSyncStats) => number) =>
    [...runtime.stats().values()].reduce((n, s) => n + pick(s), 0);
  new Gauge({
    name: 'ccx_presence_tracked_users',
    help: 'Teams users tracked, by how: subscribed (covered by a subscription) or polled',
    labelNames: ['how'],
    registers: [registry],
    collect() {
      this.set(
        { how: 'subscribed' },
        sum((s) => s.subscribedUsers),
      );
      this.set(
        { how: 'polled' },
        sum((s) => s.polledUsers),
      );
    },
  });
  new Gauge({
    name: 'ccx_presence_subscriptions',
    help: 'Graph presence subscriptions alive',
    registers: [registry],
    collect() {
      this.set(sum((s) => s.subscriptions));
    },
  });
  new Counter({
    name: 'ccx_presence_notifications_total',
    help: 'Change notification items received, by result',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ result: 'accepted' }, holder.counts.accepted);
      this.inc({ result: 'refused' }, holder.counts.refused);
    },
  });
  new Counter({
    name: 'ccx_presence_changes_published_total',
    help: 'presence.changed events published, by source',
    labelNames: ['source'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ source: 'notification' }, published.notification);
      this.inc({ source: 'poll' }, published.poll);
    },
  });
  new Counter({
    name: 'ccx_presence_graph_throttled_total',
    help: 'Graph 429 answers, all tenants',
    registers: [registry],
    collect() {
      this.reset();
      this.inc([...throttle.throttled.values()].reduce((n, v) => n + v, 0));
    },
  });
}
