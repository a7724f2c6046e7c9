import { describe, expect, it } from 'vitest';
import { isEligible, requirementsAt } from './eligibility';
import { agent, interaction, queue, TestClock } from './testing/fixtures';

const strict = [
  { skillId: 'french', minLevel: 4 },
  { skillId: 'billing', minLevel: 3 },
];
const escalating = queue({
  requiredSkills: strict,
  escalation: [
    { afterSeconds: 120, requiredSkills: [{ skillId: 'billing', minLevel: 1 }] },
    { afterSeconds: 30, requiredSkills: [{ skillId: 'billing', minLevel: 3 }] },
  ],
});

describe('requirementsAt', () => {
  it('relaxes step by step as the wait passes each threshold, whatever the step order', () => {
    const clock = new TestClock();
    const call = interaction('c1', { enqueuedAt: clock.now() });
    expect(requirementsAt(escalating, call, clock.advance(29))).toEqual(strict);
    expect(requirementsAt(escalating, call, clock.advance(1))).toEqual([
      { skillId: 'billing', minLevel: 3 },
    ]);
    expect(requirementsAt(escalating, call, clock.advance(90))).toEqual([
      { skillId: 'billing', minLevel: 1 },
    ]);
  });

  it('uses the set a virtual-assistant flow put on the interaction before any step applies', () => {
    const clock = new TestClock();
    const own = [{ skillId: 'german', minLevel: 2 }];
    const call = interaction('c1', { enqueuedAt: clock.now(), requiredSkills: own });
    expect(requirementsAt(escalating, call, clock.now())).toEqual(own);
    expect(requirementsAt(escalating, call, clock.advance(30))).toEqual([
      { skillId: 'billing', minLevel: 3 },
    ]);
  });

  it('counts the wait from the original entry of a re-entering interaction', () => {
    const clock = new TestClock();
    const call = interaction('c1', {
      originalEnqueuedAt: clock.now(),
      enqueuedAt: clock.advance(200),
    });
    expect(requirementsAt(escalating, call, clock.now())).toEqual([
      { skillId: 'billing', minLevel: 1 },
    ]);
  });
});

describe('isEligible', () => {
  const clock = new TestClock();
  const q = queue({ requiredSkills: strict });
  const call = interaction('c1', { enqueuedAt: clock.now() });
  const skilled = agent('a1', { skills: { french: 5, billing: 3 } });

  it('needs every required skill at its minimum level', () => {
    expect(isEligible(skilled, q, call, clock.now())).toBe(true);
    expect(
      isEligible(agent('a2', { skills: { french: 5, billing: 2 } }), q, call, clock.now()),
    ).toBe(false);
    expect(isEligible(agent('a3', { skills: { french: 5 } }), q, call, clock.now())).toBe(false);
  });

  it('becomes true for a less skilled agent once escalation relaxes the requirements', () => {
    const junior = agent('a2', { skills: { billing: 1 } });
    const waiting = interaction('c2', { enqueuedAt: clock.now() });
    expect(isEligible(junior, escalating, waiting, clock.now())).toBe(false);
    expect(isEligible(junior, escalating, waiting, clock.now() + 120_000)).toBe(true);
  });

  it('refuses agents who opted out of the queue or are not available', () => {
    expect(isEligible({ ...skilled, optOutQueues: ['q1'] }, q, call, clock.now())).toBe(false);
    for (const state of ['logged-out', 'not-ready', 'reserved', 'busy', 'wrap-up'] as const)
      expect(isEligible({ ...skilled, state }, q, call, clock.now()), state).toBe(false);
  });

  it('offers voice only to an idle agent but stacks chats up to the chat capacity', () => {
    const chat = interaction('m1', { channel: 'chat' });
    const busyWithChats = { ...skilled, state: 'busy' as const, active: { voice: 0, chat: 2 } };
    expect(isEligible(busyWithChats, q, chat, clock.now())).toBe(true);
    expect(isEligible(busyWithChats, q, call, clock.now())).toBe(false);
    const full = { ...busyWithChats, active: { voice: 0, chat: 3 } };
    expect(isEligible(full, q, chat, clock.now())).toBe(false);
    const onVoice = { ...skilled, active: { voice: 1, chat: 0 } };
    expect(isEligible(onVoice, q, call, clock.now())).toBe(false);
    expect(isEligible({ ...skilled, state: 'wrap-up' }, q, chat, clock.now())).toBe(false);
  });

  it('in a presence-aware queue, offers only to agents whose Teams presence is Available', () => {
    const aware = queue({ requiredSkills: strict, presenceAware: true });
    expect(isEligible(skilled, aware, call, clock.now())).toBe(true);
    for (const presence of ['Busy', 'DoNotDisturb', 'Away', 'Offline', 'BeRightBack'])
      expect(isEligible({ ...skilled, presence }, aware, call, clock.now()), presence).toBe(false);
    expect(isEligible({ ...skilled, presence: 'DoNotDisturb' }, q, call, clock.now())).toBe(true);
  });
});
