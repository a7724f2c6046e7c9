import { z } from 'zod';
import { commonConfigShape, loadConfig, port } from '@ccx/config';

export const routingConfigSchema = z.object({
  ...commonConfigShape,
  ROUTING_HTTP_PORT: port.default(3030),
  ROUTING_HTTP_HOST: z.string().default('127.0.0.1'),
});
export type RoutingConfig = z.output<typeof routingConfigSchema>;
export const loadRoutingConfig = () => loadConfig(routingConfigSchema);
