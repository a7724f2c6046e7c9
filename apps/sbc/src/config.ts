import { z } from 'zod';
import { commonConfigShape, loadConfig, port } from '@ccx/config';

export const sbcConfigSchema = z.object({
  ...commonConfigShape,
  SBC_HTTP_PORT: port.default(3010),
  SBC_HTTP_HOST: z.string().default('127.0.0.1'),
});
export type SbcConfig = z.output<typeof sbcConfigSchema>;
export const loadSbcConfig = () => loadConfig(sbcConfigSchema);
