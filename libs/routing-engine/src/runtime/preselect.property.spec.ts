// Preselection is an optimisation only: for any tenant, queue and agent states, deciding over
// the preselected agents must choose exactly the agent (and fallback order's head) that deciding
// over every agent would.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../selection/queue-decision';
import { interaction, queue, T0 } from '../selection/testing/fixtures';
import { AgentMirror } from './agent-mirror';
import { TenantDirectory } from './directory';
import { preselect } from './preselect';

const SKILLS = ['s1', 's2', 's3'];
const METHODS = ['longest-idle', 'round-robin', 'serial', 'most-proficient'] as const;

const agentArb = fc.record({
  skills: fc.uniqueArray(
    fc.record({
      skillId: fc.constantFrom(...SKILLS),
      level: fc.constantFrom(1, 3, 3, 4) /* ties are where order matters */,
    }),
    {
      selector: (s) => s.skillId,
      maxLength: 3,
    },
  ),
  state: fc.constantFrom('available', 'available', 'busy', 'not-ready', 'reserved'),
  presence: fc.constantFrom('Available', 'Available', 'Busy'),
  phone: fc.boolean(),
  /** Seconds idle: unrelated to the id, so ties in other keys are broken by idle time. */
  idle: fc.integer({ min: 0, max: 1000 }),
});

describe('preselect', () => {
  it('leads decide to the same agent as deciding over every agent', () => {
    fc.assert(
      fc.property(
        fc.array(agentArb, { minLength: 1, maxLength: 30 }),
        fc.constantFrom(...METHODS),
        fc.constantFrom(...SKILLS),
        fc.integer({ min: 1, max: 5 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 0, max: 29 }), { nil: undefined }),
        fc.integer({ min: 1, max: 8 }),
        (agents, method, skill, minLevel, presenceAware, lastIndex, limit) => {
          const rows = agents.map((a, i) => ({
            id: `a${String(i).padStart(2, '0')}`,
            phoneNumber: a.phone ? `+4930${1000 + i}` : null,
            skills: a.skills,
            capacity: { voice: 1, chat: 0 },
          }));
          const q = queue({
            id: 'q1',
            method,
            requiredSkills: [{ skillId: skill, minLevel }],
            presenceAware,
            ...(method === 'serial'
              ? {
                  serialOrder: rows
                    .map((r) => r.id)
                    .reverse()
                    .slice(0, 10),
                }
              : {}),
          });
          const dir = new TenantDirectory('t1', {
            queues: [{ ...q, name: 'q' }],
            agents: rows,
            numbers: [],
            flows: [],
            experts: [],
          });
          const mirror = new AgentMirror((t, a) => dir.queuesOfAgent(a));
          // Agents become available in idle order (longest idle first), as notifications arrive.
          const byIdle = agents.map((a, i) => ({ a, i })).sort((x, y) => y.a.idle - x.a.idle);
          byIdle.forEach(({ a, i }) => {
            mirror.apply({
              tenantId: 't1',
              agentId: rows[i]?.id ?? '',
              state: a.state as 'available',
              active: { voice: 0, chat: 0 },
              reserved: { voice: 0, chat: 0 },
              idleSince: T0 - a.idle * 1000,
              missedOffers: 0,
              version: 1,
              presence: a.presence,
            });
          });
          const waiting = [interaction('i1', { enqueuedAt: T0 })];
          const last = lastIndex === undefined ? undefined : rows[lastIndex % rows.length]?.id;
          const rr: Record<string, string> = last === undefined ? {} : { q1: last };
          const views = (ids: Iterable<string>) =>
            [...ids].flatMap((id) => {
              const entry = dir.agents.get(id);
              return entry && mirror.get('t1', id).state === 'available'
                ? [mirror.view('t1', entry)]
                : [];
            });
          const full = decide(q, waiting, views(dir.candidatesOf('q1')), T0, rr);
          const chosen = preselect({
            dir,
            mirror,
            queue: q,
            ids: dir.candidatesOf('q1'),
            waiting,
            now: T0,
            lastOffered: last,
            limit,
          });
          const fast = decide(q, waiting, views(chosen), T0, rr);
          expect(fast.kind).toBe(full.kind);
          if (full.kind === 'offer' && fast.kind === 'offer') {
            expect(fast.agents[0]?.id).toBe(full.agents[0]?.id);
            expect(fast.agents.map((a) => a.id)).toEqual(
              full.agents.slice(0, fast.agents.length).map((a) => a.id),
            );
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
