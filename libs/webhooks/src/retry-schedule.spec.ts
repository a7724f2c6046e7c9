import { describe, expect, it } from 'vitest';
import { defaultWebhookSettings } from './config';
import { nominalDelayMs, retryDelayMs, retrySchedule, retrySpanMs } from './retry-schedule';

const policy = { attempts: 20, baseMs: 10_000, capMs: 3_600_000, jitter: 0.2 };

describe('retry schedule', () => {
  it('doubles from the base and stops at the cap', () => {
    expect(retrySchedule(policy).slice(0, 10)).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000, 2_560_000, 3_600_000,
    ]);
    expect(retrySchedule(policy)).toHaveLength(19);
    expect(nominalDelayMs(400, policy)).toBe(3_600_000);
  });

  it('spreads the default series from seconds to about ten hours', () => {
    const defaults = defaultWebhookSettings().retry;
    const schedule = retrySchedule(defaults);
    expect(schedule[0]).toBeLessThanOrEqual(10_000);
    expect(Math.max(...schedule)).toBe(3_600_000);
    const { minMs, maxMs } = retrySpanMs(defaults);
    expect(maxMs / 3_600_000).toBeGreaterThan(11);
    expect(minMs / 3_600_000).toBeGreaterThan(9);
  });

  it('jitter only shortens a delay, by at most its share, and never exceeds the cap', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(40_000);
    expect(retryDelayMs(3, policy, () => 0.999999)).toBe(32_000);
    for (let retry = 1; retry < 30; retry++) {
      const d = retryDelayMs(retry, policy);
      expect(d).toBeLessThanOrEqual(Math.min(policy.capMs, nominalDelayMs(retry, policy)));
      expect(d).toBeGreaterThanOrEqual(nominalDelayMs(retry, policy) * 0.8 - 1);
    }
  });

  it('decorrelates deliveries that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(12, policy)));
    expect(delays.size).toBeGreaterThan(40);
  });

  it('gives no jitter when the policy asks for none', () => {
    expect(retryDelayMs(2, { ...policy, jitter: 0 }, Math.random)).toBe(20_000);
  });
});
