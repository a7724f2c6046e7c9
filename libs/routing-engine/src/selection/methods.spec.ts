import { describe, expect, it } from 'vitest';
import { advanceRoundRobin, chooseAgents, type RoundRobinState } from './methods';
import { agent, queue, T0 } from './testing/fixtures';

const ids = (agents: { id: string }[]): string[] => agents.map((a) => a.id);
const none: RoundRobinState = {};

describe('chooseAgents', () => {
  const a = agent('a', { idleSince: T0 - 10_000 });
  const b = agent('b', { idleSince: T0 - 90_000 });
  const c = agent('c', { idleSince: T0 - 50_000 });

  it('longest-idle: the agent idle the longest first, the rest as fallbacks', () => {
    const choice = chooseAgents('longest-idle', [a, b, c], none, queue(), []);
    expect(choice.ringAll).toBe(false);
    expect(ids(choice.agents)).toEqual(['b', 'c', 'a']);
  });

  it('ring-all: every eligible agent at once', () => {
    const choice = chooseAgents('ring-all', [c, a, b], none, queue(), []);
    expect(choice.ringAll).toBe(true);
    expect(ids(choice.agents).sort()).toEqual(['a', 'b', 'c']);
  });

  it('round-robin: the agent after the last one offered, by id, wrapping around', () => {
    const q = queue({ method: 'round-robin' });
    let state = none;
    const offered: string[] = [];
    for (let n = 0; n < 4; n++) {
      const first = chooseAgents('round-robin', [c, a, b], state, q, []).agents[0];
      offered.push(first?.id ?? '');
      state = advanceRoundRobin(state, q.id, first?.id ?? '');
    }
    expect(offered).toEqual(['a', 'b', 'c', 'a']);
  });

  it('round-robin: keeps the turn when the last agent offered has left the eligible set', () => {
    const q = queue({ method: 'round-robin' });
    const state = advanceRoundRobin(none, q.id, 'b');
    expect(ids(chooseAgents('round-robin', [a, c], state, q, []).agents)).toEqual(['c', 'a']);
    const other = advanceRoundRobin(none, 'q2', 'b');
    expect(ids(chooseAgents('round-robin', [a, c], other, q, []).agents)).toEqual(['a', 'c']);
  });

  it('serial: the configured order, skipping agents who are not eligible', () => {
    const q = queue({ method: 'serial', serialOrder: ['c', 'x', 'a', 'b'] });
    expect(ids(chooseAgents('serial', [a, b, c], none, q, []).agents)).toEqual(['c', 'a', 'b']);
    expect(ids(chooseAgents('serial', [a, b], none, q, []).agents)).toEqual(['a', 'b']);
  });

  it('most-proficient: highest sum of levels on the required skills, then longest idle', () => {
    const req = [
      { skillId: 'french', minLevel: 1 },
      { skillId: 'billing', minLevel: 1 },
    ];
    const expert = agent('expert', { skills: { french: 5, billing: 4 }, idleSince: T0 });
    const broad = agent('broad', {
      skills: { french: 2, billing: 2, sales: 5 },
      idleSince: T0 - 1,
    });
    const solidNew = agent('solid-new', { skills: { french: 4, billing: 3 }, idleSince: T0 - 1 });
    const solidOld = agent('solid-old', { skills: { french: 3, billing: 4 }, idleSince: T0 - 9 });
    const choice = chooseAgents(
      'most-proficient',
      [broad, solidNew, expert, solidOld],
      none,
      queue(),
      req,
    );
    expect(ids(choice.agents)).toEqual(['expert', 'solid-old', 'solid-new', 'broad']);
  });

  it('does not reorder the array it was given', () => {
    const input = [a, b, c];
    chooseAgents('longest-idle', input, none, queue(), []);
    expect(ids(input)).toEqual(['a', 'b', 'c']);
  });
});
