import { describe, expect, it } from 'vitest';
import { planSubscriptions } from './subscription-plan';

const users = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `u${from + i}`);

describe('planSubscriptions', () => {
  it('covers new users with the fewest subscriptions of at most 650', () => {
    const plan = planSubscriptions([], new Set(users(1400)));
    expect(plan.create.map((c) => c.length)).toEqual([650, 650, 100]);
    expect(new Set(plan.create.flat()).size).toBe(1400);
    expect(plan.remove).toEqual([]);
  });

  it('keeps subscriptions whose users are still wanted and adds one for newcomers', () => {
    const existing = [{ id: 's1', userIds: new Set(users(650)) }];
    const plan = planSubscriptions(existing, new Set(users(660)));
    expect(plan).toEqual({ create: [users(10, 650)], remove: [] });
  });

  it('deletes a subscription none of whose users is wanted any more', () => {
    const existing = [
      { id: 's1', userIds: new Set(users(5)) },
      { id: 's2', userIds: new Set(users(5, 5)) },
    ];
    const plan = planSubscriptions(existing, new Set(users(5, 5)));
    expect(plan).toEqual({ create: [], remove: ['s1'] });
  });

  it('rebuilds the emptiest subscriptions once there are more than the minimum plus one', () => {
    const existing = [
      { id: 'a', userIds: new Set(users(3)) },
      { id: 'b', userIds: new Set(users(3, 3)) },
      { id: 'c', userIds: new Set(users(3, 6)) },
    ];
    const plan = planSubscriptions(existing, new Set(users(9)));
    expect(plan.remove).toEqual(['a', 'b']);
    expect(plan.create).toHaveLength(1);
    expect(new Set(plan.create[0])).toEqual(new Set(users(6)));
  });

  it('does not uncover a user that an earlier subscription also covers', () => {
    const existing = [
      { id: 'a', userIds: new Set(['u1', 'u2']) },
      { id: 'b', userIds: new Set(['u1']) },
      { id: 'c', userIds: new Set(['u3']) },
    ];
    const plan = planSubscriptions(existing, new Set(['u1', 'u2', 'u3']));
    const covered = new Set(plan.create.flat());
    for (const id of ['a', 'b', 'c']) {
      if (plan.remove.includes(id)) continue;
      for (const u of existing.find((s) => s.id === id)?.userIds ?? []) covered.add(u);
    }
    expect(covered).toEqual(new Set(['u1', 'u2', 'u3']));
  });
});
