import { z } from 'zod';
import { commonConfigShape, loadConfig, port, secret } from '@ccx/config';

export const presenceConfigSchema = z.object({
  ...commonConfigShape,
  PRESENCE_HTTP_PORT: port.default(3040),
  PRESENCE_HTTP_HOST: z.string().default('127.0.0.1'),
  /** Read-only: the configuration this service runs with (see docs/live-config.md). */
  DATABASE_URL: secret(z.url(), 'DATABASE_URL'),
});
export type PresenceConfig = z.output<typeof presenceConfigSchema>;
export const loadPresenceConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(presenceConfigSchema, env);
