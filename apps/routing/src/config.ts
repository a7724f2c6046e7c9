import { z } from 'zod';
import { commonConfigShape, loadConfig, port, secret } from '@ccx/config';

export const routingConfigSchema = z.object({
  ...commonConfigShape,
  ROUTING_HTTP_PORT: port.default(3030),
  ROUTING_HTTP_HOST: z.string().default('127.0.0.1'),
  /** Read-only: the configuration this service runs with (see docs/live-config.md). */
  DATABASE_URL: secret(z.url(), 'DATABASE_URL'),
});
export type RoutingConfig = z.output<typeof routingConfigSchema>;
export const loadRoutingConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(routingConfigSchema, env);
