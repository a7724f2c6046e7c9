import { z } from 'zod';
import { commonConfigShape, loadConfig, port, secret } from '@ccx/config';

export const sbcConfigSchema = z.object({
  ...commonConfigShape,
  SBC_HTTP_PORT: port.default(3010),
  SBC_HTTP_HOST: z.string().default('127.0.0.1'),
  /** Read-only: the configuration this service runs with (see docs/live-config.md). */
  DATABASE_URL: secret(z.url(), 'DATABASE_URL'),
});
export type SbcConfig = z.output<typeof sbcConfigSchema>;
export const loadSbcConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(sbcConfigSchema, env);
