import { z } from 'zod';
import { bool } from '@ccx/config';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Environment variables of webhook delivery. Every timing knob is configurable so tests run the
 * whole retry/disable cycle in milliseconds; the defaults spread ~20 attempts over ~10 hours.
 */
export const webhookConfigShape = {
  /** Allow http:// and private, loopback and link-local targets. Tests and local dev only. */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool.default(false),
  /** Whole request budget per attempt (connect + send + response headers). */
  WEBHOOK_TIMEOUT_MS: ms(10_000),
  /** Attempts per delivery series (the first try included). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(20),
  WEBHOOK_RETRY_BASE_MS: ms(10_000),
  WEBHOOK_RETRY_CAP_MS: ms(3_600_000),
  /** Fraction of each delay taken off at random (0.2: a delay d becomes 0.8d..d). */
  WEBHOOK_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.2),
  /** A subscription is disabled after this many consecutive deliveries failed every attempt. */
  WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES: z.coerce.number().int().min(1).default(5),
  /** Parallel requests of one delivery worker. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  /** Safety net beside config.changed invalidation, for replicas that miss it. */
  WEBHOOK_CACHE_TTL_MS: ms(5_000),
};

export const webhookConfigSchema = z.object(webhookConfigShape);
export type WebhookConfig = z.output<typeof webhookConfigSchema>;

/** The knobs in the shape the library uses. */
export interface WebhookSettings {
  allowPrivateTargets: boolean;
  timeoutMs: number;
  retry: RetryPolicy;
  disableAfterFailedDeliveries: number;
  concurrency: number;
  cacheTtlMs: number;
}

export interface RetryPolicy {
  /** Attempts per series, the first included. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** 0..1: the share of each delay that is randomly taken off. */
  jitter: number;
}

export function webhookSettings(config: Readonly<WebhookConfig>): WebhookSettings {
  return {
    allowPrivateTargets: config.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retry: {
      attempts: config.WEBHOOK_MAX_ATTEMPTS,
      baseMs: config.WEBHOOK_RETRY_BASE_MS,
      capMs: config.WEBHOOK_RETRY_CAP_MS,
      jitter: config.WEBHOOK_RETRY_JITTER,
    },
    disableAfterFailedDeliveries: config.WEBHOOK_DISABLE_AFTER_FAILED_DELIVERIES,
    concurrency: config.WEBHOOK_CONCURRENCY,
    cacheTtlMs: config.WEBHOOK_CACHE_TTL_MS,
  };
}

/** Production defaults, with overrides (tests). */
export function defaultWebhookSettings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return { ...webhookSettings(webhookConfigSchema.parse({})), ...overrides };
}
