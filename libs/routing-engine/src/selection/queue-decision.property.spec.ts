import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEligible } from './eligibility';
import { routingMethod, type Agent, type Interaction } from './model';
import { decide } from './queue-decision';
import { agent, interaction, queue, T0 } from './testing/fixtures';

const skillIds = ['s1', 's2', 's3'];
const level = fc.integer({ min: 1, max: 5 });
const requirement = fc.record({ skillId: fc.constantFrom(...skillIds), minLevel: level });

const agentArb = (id: string): fc.Arbitrary<Agent> =>
  fc
    .record({
      skills: fc.dictionary(fc.constantFrom(...skillIds), level),
      state: fc.constantFrom('logged-out', 'available', 'not-ready', 'reserved', 'busy', 'wrap-up'),
      presence: fc.constantFrom('Available', 'Busy', 'Away'),
      voice: fc.integer({ min: 0, max: 1 }),
      chat: fc.integer({ min: 0, max: 3 }),
      idleSince: fc.integer({ min: T0 - 600_000, max: T0 }),
      optOut: fc.boolean(),
    })
    .map((r) =>
      agent(id, {
        skills: r.skills,
        state: r.state,
        presence: r.presence,
        active: { voice: r.voice, chat: r.chat },
        idleSince: r.idleSince,
        optOutQueues: r.optOut ? ['q1'] : [],
      }),
    );

const interactionArb = (id: string): fc.Arbitrary<Interaction> =>
  fc
    .record({
      channel: fc.constantFrom('voice', 'chat'),
      priority: fc.integer({ min: 0, max: 5 }),
      ago: fc.integer({ min: 0, max: 300 }),
      own: fc.option(fc.array(requirement, { maxLength: 2 }), { nil: undefined }),
    })
    .map((r) =>
      interaction(id, {
        channel: r.channel,
        priority: r.priority,
        enqueuedAt: T0 - r.ago * 1000,
        ...(r.own ? { requiredSkills: r.own } : {}),
      }),
    );

const scenario = fc.record({
  method: fc.constantFrom(...routingMethod.options),
  presenceAware: fc.boolean(),
  requiredSkills: fc.array(requirement, { maxLength: 2 }),
  relaxed: fc.array(requirement, { maxLength: 1 }),
  agents: fc
    .integer({ min: 0, max: 6 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => agentArb(`a${i}`)))),
  waiting: fc
    .integer({ min: 0, max: 5 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => interactionArb(`i${i}`)))),
});

describe('decide (property)', () => {
  it('offers only to eligible agents, each once, and waits only when nobody can take anything', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const q = queue({
          method: s.method,
          presenceAware: s.presenceAware,
          requiredSkills: s.requiredSkills,
          escalation: [{ afterSeconds: 120, requiredSkills: s.relaxed }],
          serialOrder: ['gone', ...s.agents.map((a) => a.id).reverse()],
        });
        const d = decide(q, s.waiting, s.agents, T0, {});
        if (d.kind === 'offer') {
          expect(d.agents.length).toBeGreaterThan(0);
          expect(new Set(d.agents.map((a) => a.id)).size).toBe(d.agents.length);
          for (const a of d.agents) expect(isEligible(a, q, d.interaction, T0)).toBe(true);
          const skipped = s.agents.filter((a) => !d.agents.includes(a));
          for (const a of skipped) expect(isEligible(a, q, d.interaction, T0)).toBe(false);
        } else if (d.kind === 'wait') {
          for (const i of s.waiting)
            for (const a of s.agents) expect(isEligible(a, q, i, T0)).toBe(false);
        }
      }),
      { seed: 5, numRuns: 500 },
    );
  });
});
