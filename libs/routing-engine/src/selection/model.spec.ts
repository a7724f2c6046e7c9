import { describe, expect, it } from 'vitest';
import { queueConfig } from './model';

const base = {
  id: 'q1',
  method: 'longest-idle',
  maxSize: 10,
  maxWaitSeconds: 300,
  overflow: { kind: 'voicemail' },
};

describe('queueConfig', () => {
  it('fills defaults for what a minimal queue leaves out', () => {
    const q = queueConfig.parse(base);
    expect(q).toMatchObject({
      requiredSkills: [],
      escalation: [],
      priorityAgingPerMinute: 0,
      offerTimeoutSeconds: 20,
      wrapUpSeconds: 0,
      presenceAware: true,
    });
    expect(q.hours).toBeUndefined();
  });

  it('refuses skill levels outside 1-5', () => {
    for (const minLevel of [0, 6, 2.5])
      expect(
        queueConfig.safeParse({ ...base, requiredSkills: [{ skillId: 's', minLevel }] }).success,
      ).toBe(false);
  });

  it('refuses an overflow to a queue, number or Teams user without a target', () => {
    for (const kind of ['queue', 'number', 'teams-user'])
      expect(queueConfig.safeParse({ ...base, overflow: { kind } }).success, kind).toBe(false);
    expect(queueConfig.safeParse({ ...base, overflow: { kind: 'disconnect' } }).success).toBe(true);
  });

  it('refuses the serial method without an order', () => {
    expect(queueConfig.safeParse({ ...base, method: 'serial' }).success).toBe(false);
    expect(queueConfig.safeParse({ ...base, method: 'serial', serialOrder: ['a'] }).success).toBe(
      true,
    );
  });
});
