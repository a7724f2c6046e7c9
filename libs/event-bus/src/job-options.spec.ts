import { describe, expect, it } from 'vitest';
import { eventIdOf, eventJobData, eventJobId } from './job-data';
import { backoffDelay, BACKOFF_JITTER, eventJobOptions } from './job-options';
import { commandQueueName, eventQueueName, assertSlug } from './keys';

describe('backoffDelay', () => {
  const policy = { attempts: 8, backoffMs: 1_000 };
  it('doubles per attempt within the jitter band', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n, 1))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
    expect(backoffDelay(policy, 3, 0)).toBe(4_000 * (1 - BACKOFF_JITTER));
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(policy, 2, Math.random());
      expect(d).toBeGreaterThanOrEqual(1_000);
      expect(d).toBeLessThanOrEqual(2_000);
    }
  });
});

describe('eventJobOptions', () => {
  it('keeps failed jobs (dead letters), bounds completed ones, uses the id given', () => {
    const opts = eventJobOptions('e-1', { attempts: 5, backoffMs: 200 });
    expect(opts).toMatchObject({
      jobId: 'e-1',
      attempts: 5,
      backoff: { type: 'exponential', delay: 200, jitter: BACKOFF_JITTER },
      removeOnFail: false,
    });
    expect(opts.removeOnComplete).toEqual({ age: 3_600, count: 10_000 });
    // A batch counts for its events: the completed set stays about 10,000 events long.
    expect(eventJobOptions('b-1', { attempts: 5, backoffMs: 200 }, 200).removeOnComplete).toEqual({
      age: 3_600,
      count: 50,
    });
  });
});

describe('event job ids and data', () => {
  const ev = (eventId: string) => ({ eventId }) as never;
  it('is the eventId for one event and a stable hash for a batch', () => {
    expect(eventJobId([ev('a')])).toBe('a');
    expect(eventJobId([ev('a'), ev('b')])).toBe(eventJobId([ev('a'), ev('b')]));
    expect(eventJobId([ev('a'), ev('b')])).not.toBe(eventJobId([ev('b'), ev('a')]));
    expect(eventJobId([ev('a'), ev('b')])).toMatch(/^b-[0-9a-f]{40}$/);
  });
  it('reads ids defensively and defaults priorAttempts', () => {
    expect(eventIdOf({ eventId: 'x' })).toBe('x');
    expect(eventIdOf({ eventId: 'x:y' })).toBeUndefined();
    expect(eventIdOf('nope')).toBeUndefined();
    expect(eventJobData.parse({ events: [{}] }).priorAttempts).toBe(0);
    expect(eventJobData.safeParse({ events: [] }).success).toBe(false);
  });
});

describe('names', () => {
  it('names queues by group and stream, commands by name and target', () => {
    expect(eventQueueName('webhooks', 'call')).toBe('ev.webhooks.call');
    expect(commandQueueName('media.offer')).toBe('cmd.media.offer');
    expect(commandQueueName('media.offer', 'mw-2')).toBe('cmd.media.offer.mw-2');
    expect(() => assertSlug('group', 'Web Hooks')).toThrow(/slug/);
    expect(() => assertSlug('group', 'a:b')).toThrow(/slug/);
  });
});
