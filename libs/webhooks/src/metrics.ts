import { counter, gauge, histogram, Registry } from '@ccx/observability';

/** Prometheus instruments of webhook delivery (no tenant label: unbounded cardinality). */
export function webhookMetrics(registry: Registry = new Registry()) {
  return {
    queued: counter(registry, 'ccx_webhook_deliveries_queued_total', 'Deliveries created'),
    attempts: counter(
      registry,
      'ccx_webhook_attempts_total',
      'Attempts by outcome: succeeded, retry (failed, another follows), failed (the last)',
      ['outcome'],
    ),
    refused: counter(
      registry,
      'ccx_webhook_targets_refused_total',
      'Attempts the target guard stopped at connect time (private or loopback address)',
    ),
    attemptSeconds: histogram(
      registry,
      'ccx_webhook_attempt_duration_seconds',
      'Duration of one POST, connect to response headers',
      [],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ),
    disabled: counter(
      registry,
      'ccx_webhook_subscriptions_disabled_total',
      'Subscriptions disabled automatically (410 or persistent failure)',
    ),
    backlog: gauge(
      registry,
      'ccx_webhook_backlog',
      'Delivery jobs by state at the last health check',
      ['state'],
    ),
  };
}

export type WebhookMetrics = ReturnType<typeof webhookMetrics>;
