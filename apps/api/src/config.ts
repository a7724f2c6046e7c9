import { z } from 'zod';
import { commonConfigShape, loadConfig, port, secret } from '@ccx/config';
import { webhookConfigShape } from '@ccx/webhooks';

export const apiConfigSchema = z.object({
  ...commonConfigShape,
  API_HTTP_PORT: port.default(3000),
  API_HTTP_HOST: z.string().default('127.0.0.1'),
  /** PostgreSQL (or the embedded PGlite the launcher starts). Migrations run at boot. */
  DATABASE_URL: secret(z.url(), 'DATABASE_URL'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** The operator key: tenant management (`Authorization: Bearer <ADMIN_API_KEY>`). */
  ADMIN_API_KEY: secret(z.string().min(16), 'ADMIN_API_KEY'),
  /** Seals secrets at rest (webhook signing secrets, stored idempotent responses). */
  MASTER_KEY: secret(z.string().min(16), 'MASTER_KEY'),
  /** Prompts flows may play (WAV files); the same default as the media worker's MEDIA_PROMPT_DIR. */
  API_PROMPT_DIR: z.string().min(1).default('prompts'),
  /** Entra ID's login host (the Microsoft 365 emulator's URL in tests). */
  M365_AUTHORITY: z.url().default('https://login.microsoftonline.com'),
  /** PEM file of an extra CA trusted on the way to Entra ID (emulator, TLS-inspecting proxy). */
  M365_EXTRA_CA_FILE: z.string().min(1).optional(),
  /** Our API's client id and/or Application ID URI, comma-separated; empty: no Entra bearers. */
  M365_API_AUDIENCES: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  /** Public base URL of this API, under which Entra ID redirects back (/v1/m365/.../callback). */
  M365_REDIRECT_BASE_URL: z.url().optional(),
  /** WEBHOOK_*: delivery timing, private-target policy (docs/webhooks.md). */
  ...webhookConfigShape,
});
export type ApiConfig = z.output<typeof apiConfigSchema>;

export const loadApiConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(apiConfigSchema, env);
