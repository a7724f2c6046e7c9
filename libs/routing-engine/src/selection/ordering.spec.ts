import { describe, expect, it } from 'vitest';
import { effectivePriority, nextInteraction, orderWaiting } from './ordering';
import { interaction, queue, TestClock } from './testing/fixtures';

describe('effectivePriority', () => {
  it('adds the aging per whole minute waited', () => {
    const clock = new TestClock();
    const q = queue({ priorityAgingPerMinute: 2 });
    const call = interaction('c1', { priority: 5, enqueuedAt: clock.now() });
    expect(effectivePriority(call, q, clock.advance(59))).toBe(5);
    expect(effectivePriority(call, q, clock.advance(1))).toBe(7);
    expect(effectivePriority(call, q, clock.advance(240))).toBe(15);
  });
});

describe('nextInteraction', () => {
  it('takes the highest priority, then the oldest', () => {
    const clock = new TestClock();
    const q = queue();
    const old = interaction('old', { enqueuedAt: clock.now() });
    const vip = interaction('vip', { priority: 3, enqueuedAt: clock.advance(10) });
    const young = interaction('young', { enqueuedAt: clock.advance(10) });
    expect(nextInteraction([young, old, vip], q, clock.now())?.id).toBe('vip');
    expect(orderWaiting([young, old, vip], q, clock.now()).map((i) => i.id)).toEqual([
      'vip',
      'old',
      'young',
    ]);
    expect(nextInteraction([], q, clock.now())).toBeUndefined();
  });

  it('lets a long-waiting low-priority interaction overtake a newer high-priority one by aging', () => {
    const clock = new TestClock();
    const q = queue({ priorityAgingPerMinute: 1 });
    const patient = interaction('patient', { priority: 0, enqueuedAt: clock.now() });
    clock.advance(4 * 60);
    const urgent = interaction('urgent', { priority: 5, enqueuedAt: clock.now() });
    expect(nextInteraction([patient, urgent], q, clock.now())?.id).toBe('urgent');
    clock.advance(60);
    // At 1 per minute: patient 0 + 5 = 5, urgent 5 + 1 = 6. At 2 per minute: 10 against 7.
    expect(nextInteraction([patient, urgent], q, clock.now())?.id).toBe('urgent');
    const steeper = queue({ priorityAgingPerMinute: 2 });
    expect(nextInteraction([patient, urgent], steeper, clock.now())?.id).toBe('patient');
  });

  it('keeps a callback re-entering the queue in its original place', () => {
    const clock = new TestClock();
    const q = queue();
    const firstEntry = clock.now();
    const other = interaction('other', { enqueuedAt: clock.advance(30) });
    const callback = interaction('callback', {
      callbackRequested: true,
      originalEnqueuedAt: firstEntry,
      enqueuedAt: clock.advance(300),
    });
    expect(nextInteraction([other, callback], q, clock.now())?.id).toBe('callback');
  });
});
