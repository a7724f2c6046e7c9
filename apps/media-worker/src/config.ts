import { z } from 'zod';
import { commonConfigShape, loadConfig, port } from '@ccx/config';

export const mediaWorkerConfigSchema = z.object({
  ...commonConfigShape,
  MEDIA_HTTP_PORT: port.default(3020),
  MEDIA_HTTP_HOST: z.string().default('127.0.0.1'),
});
export type MediaWorkerConfig = z.output<typeof mediaWorkerConfigSchema>;
export const loadMediaWorkerConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(mediaWorkerConfigSchema, env);
