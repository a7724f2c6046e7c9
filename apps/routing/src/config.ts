import { z } from 'zod';
import { commonConfigShape, loadConfig, port, secret } from '@ccx/config';

const ms = (fallback: number) => z.coerce.number().int().min(1).max(3_600_000).default(fallback);

export const routingConfigSchema = z.object({
  ...commonConfigShape,
  ROUTING_HTTP_PORT: port.default(3030),
  ROUTING_HTTP_HOST: z.string().default('127.0.0.1'),
  /** Configuration (live projection) and the historical queue intervals it writes. */
  DATABASE_URL: secret(z.url(), 'DATABASE_URL'),
  /** Bus events handled at once by this replica. */
  ROUTING_CONCURRENCY: z.coerce.number().int().min(1).max(512).default(32),
  /** Callers who hang up sooner than this after entering a queue are short abandons. */
  ROUTING_SHORT_ABANDON_MS: ms(5_000),
  /** Added to an offer's timeout before the sweep closes it (the SBC reports first). */
  ROUTING_OFFER_GRACE_MS: ms(5_000),
  ROUTING_COMMAND_TIMEOUT_MS: ms(3_000),
  /** How often changed queues publish `queue.stats`. */
  ROUTING_STATS_PUSH_MS: ms(2_000),
  /** How often finished and current 15-minute intervals are written to Postgres. */
  ROUTING_INTERVAL_FLUSH_MS: ms(10_000),
  /** How often the live configuration is checked for changes made through another replica. */
  ROUTING_CONFIG_POLL_MS: ms(1_000),
});
export type RoutingConfig = z.output<typeof routingConfigSchema>;
export const loadRoutingConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(routingConfigSchema, env);
