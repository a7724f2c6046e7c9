import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit';

describe('RateLimiter', () => {
  it('allows a burst, then refuses until tokens refill at the configured rate', () => {
    const rl = new RateLimiter({ perSourcePerSecond: 10, burst: 5, now: () => 0 });
    const results = Array.from({ length: 7 }, () => rl.allow('192.0.2.1', 0));
    expect(results).toEqual([true, true, true, true, true, false, false]);
    expect(rl.allow('192.0.2.1', 99)).toBe(false); // 0.99 token
    expect(rl.allow('192.0.2.1', 100)).toBe(true); // one token after 100 ms at 10/s
    expect(rl.allow('192.0.2.1', 100)).toBe(false);
    // Refill caps at the burst.
    const after = Array.from({ length: 6 }, () => rl.allow('192.0.2.1', 60_000));
    expect(after).toEqual([true, true, true, true, true, false]);
  });

  it('keeps sources apart: one flooding source does not starve another', () => {
    const rl = new RateLimiter({ perSourcePerSecond: 1, burst: 2 });
    for (let i = 0; i < 100; i++) rl.allow('203.0.113.66', 0);
    expect(rl.allow('192.0.2.1', 0)).toBe(true);
  });

  it('bounds memory by forgetting the idlest source', () => {
    let now = 0;
    const rl = new RateLimiter({ perSourcePerSecond: 1, burst: 1, maxSources: 3, now: () => now });
    expect(rl.allow('a')).toBe(true);
    now = 1;
    rl.allow('b');
    rl.allow('c');
    expect(rl.allow('a')).toBe(false); // a is seen again: now the most recent
    rl.allow('d'); // evicts b, the idlest
    expect(rl.size).toBe(3);
    expect(rl.allow('b')).toBe(true); // b starts over with a full bucket; c is evicted
    expect(rl.allow('a')).toBe(false); // a was kept, its empty bucket too
  });

  it('uses the injected clock by default', () => {
    let now = 0;
    const rl = new RateLimiter({ perSourcePerSecond: 2, burst: 1, now: () => now });
    expect(rl.allow('x')).toBe(true);
    expect(rl.allow('x')).toBe(false);
    now = 500;
    expect(rl.allow('x')).toBe(true);
  });
});
