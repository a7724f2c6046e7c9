// The mirror's per-queue index is kept incrementally; it must always equal what a full count of
// the mirror's agents gives, whatever order changes arrive in (stale ones included).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentMirror } from './agent-mirror';

const STATES = ['logged-out', 'available', 'not-ready', 'reserved', 'busy', 'wrap-up'] as const;
const queuesOf = (_t: string, agentId: string) => (agentId === 'a0' ? ['q1'] : ['q1', 'q2']);

describe('AgentMirror per-queue index', () => {
  it('counts agents by state and lists the available ones in idle order, like a full count', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            agent: fc.constantFrom('a0', 'a1', 'a2', 'a3'),
            state: fc.constantFrom(...STATES),
            version: fc.integer({ min: 0, max: 30 }),
            idle: fc.integer({ min: 0, max: 1000 }),
          }),
          { maxLength: 60 },
        ),
        fc.boolean(),
        (changes, reindexHalfway) => {
          const mirror = new AgentMirror(queuesOf);
          changes.forEach((c, i) => {
            mirror.apply({
              tenantId: 't',
              agentId: c.agent,
              state: c.state,
              active: { voice: 0, chat: 0 },
              reserved: { voice: 0, chat: 0 },
              idleSince: c.idle,
              missedOffers: 0,
              version: c.version,
            });
            if (reindexHalfway && i === Math.floor(changes.length / 2)) mirror.reindex('t');
          });
          for (const q of ['q1', 'q2']) {
            const members = ['a0', 'a1', 'a2', 'a3'].filter((a) => queuesOf('t', a).includes(q));
            const expected = new Map<string, number>();
            for (const a of members) {
              const live = mirror.get('t', a);
              if (live.version < 0) continue;
              expected.set(live.state, (expected.get(live.state) ?? 0) + 1);
            }
            const got = new Map([...mirror.counts('t', q)].filter(([, n]) => n > 0));
            expect(got).toEqual(new Map([...expected].filter(([, n]) => n > 0)));
            const free = members.filter((a) => mirror.get('t', a).state === 'available');
            expect(new Set(mirror.available('t', q).keys())).toEqual(new Set(free));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
