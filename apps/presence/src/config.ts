import { z } from 'zod';
import { commonConfigShape, loadConfig, port } from '@ccx/config';

export const presenceConfigSchema = z.object({
  ...commonConfigShape,
  PRESENCE_HTTP_PORT: port.default(3040),
  PRESENCE_HTTP_HOST: z.string().default('127.0.0.1'),
});
export type PresenceConfig = z.output<typeof presenceConfigSchema>;
export const loadPresenceConfig = () => loadConfig(presenceConfigSchema);
