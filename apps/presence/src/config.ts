import { z } from 'zod';
import { commonConfigShape, loadConfig, port, secret } from '@ccx/config';

const ms = (fallback: number, max = 3_600_000) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

export const presenceConfigSchema = z.object({
  ...commonConfigShape,
  PRESENCE_HTTP_PORT: port.default(3040),
  PRESENCE_HTTP_HOST: z.string().default('127.0.0.1'),
  /** Read-only: the configuration this service runs with (see docs/live-config.md). */
  DATABASE_URL: secret(z.url(), 'DATABASE_URL'),
  /** Opens the tenants' Microsoft 365 credentials (the API's MASTER_KEY). */
  MASTER_KEY: secret(z.string().min(16), 'MASTER_KEY'),
  /**
   * Public HTTPS base URL Graph posts change notifications to (this service's /graph/...).
   * Without it no subscription is made and every tracked user is polled.
   */
  PRESENCE_PUBLIC_URL: z.url().optional(),
  /** Certificate (PEM) Graph encrypts rich notifications to, and its private key. */
  PRESENCE_CERT_FILE: z.string().optional(),
  PRESENCE_KEY_FILE: z.string().optional(),
  /** Identity platform and Graph (the emulator in tests). */
  M365_AUTHORITY: z.url().default('https://login.microsoftonline.com'),
  GRAPH_URL: z.url().default('https://graph.microsoft.com'),
  /** An extra CA (PEM file) to trust for both, e.g. the emulator's or a TLS-inspecting proxy's. */
  M365_EXTRA_CA_FILE: z.string().optional(),
  /** How often connections and tracked users are re-read and subscriptions looked after. */
  PRESENCE_SYNC_MS: ms(30_000),
  /** How often users without a working subscription are polled. */
  PRESENCE_POLL_MS: ms(60_000),
  /** Graph requests per second per tenant, and the burst allowed. */
  PRESENCE_GRAPH_RATE: z.coerce.number().min(0.1).max(1000).default(5),
  PRESENCE_GRAPH_BURST: z.coerce.number().int().min(1).max(1000).default(20),
  /** Subscription lifetime (Graph allows 60 minutes for presence) and when to renew. */
  PRESENCE_SUBSCRIPTION_MS: ms(55 * 60_000),
  PRESENCE_RENEW_BEFORE_MS: ms(20 * 60_000),
  /** Expiry of our Busy / InACall session in Teams (5..240 minutes), refreshed before it ends. */
  PRESENCE_WRITE_BACK_MINUTES: z.coerce.number().int().min(5).max(240).default(15),
});
export type PresenceConfig = z.output<typeof presenceConfigSchema>;
export const loadPresenceConfig = (env?: Record<string, string | undefined>) =>
  loadConfig(presenceConfigSchema, env);
