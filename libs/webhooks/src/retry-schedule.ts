import type { RetryPolicy } from './config';

/**
 * Delay before retry number `retry` (1 = the wait after the first failed attempt): exponential
 * from `baseMs`, doubling, capped at `capMs`, then up to `jitter` of it taken off at random so
 * that many deliveries failing together (an endpoint outage) do not retry in lockstep.
 * The cap is a true cap: jitter only ever shortens a delay.
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const nominal = nominalDelayMs(retry, policy);
  return Math.round(nominal * (1 - policy.jitter * random()));
}

export function nominalDelayMs(retry: number, policy: RetryPolicy): number {
  if (retry < 1) return 0;
  // 2 ** 52 is already beyond any cap; clamping the exponent keeps the maths finite.
  const exponential = policy.baseMs * 2 ** Math.min(retry - 1, 52);
  return Math.min(policy.capMs, exponential);
}

/** The nominal (jitter-free) waits of a whole series: attempts - 1 entries. */
export function retrySchedule(policy: RetryPolicy): number[] {
  return Array.from({ length: Math.max(0, policy.attempts - 1) }, (_, i) =>
    nominalDelayMs(i + 1, policy),
  );
}

/** Shortest and longest time from the first attempt to the last, jitter included. */
export function retrySpanMs(policy: RetryPolicy): { minMs: number; maxMs: number } {
  const total = retrySchedule(policy).reduce((a, b) => a + b, 0);
  return { minMs: Math.round(total * (1 - policy.jitter)), maxMs: total };
}
