import fc from 'fast-check';
import { expect } from 'vitest';
import type { AgentLive, ReservationStore } from '@ccx/routing-engine';

const AGENTS = ['a0', 'a1', 'a2'];
const INTERACTIONS = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'];
const CAPACITY = { voice: 1, chat: 2 };

type Op =
  | {
      kind: 'reserve';
      agent: string;
      interaction: string;
      channel: 'voice' | 'chat';
      group: boolean;
    }
  | { kind: 'accept' | 'reject' | 'timeout'; pick: number }
  | { kind: 'release'; interaction: string; wrapUpMs: number }
  | { kind: 'expire'; advanceMs: number }
  | { kind: 'available'; agent: string };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      agent: fc.constantFrom(...AGENTS),
      interaction: fc.constantFrom(...INTERACTIONS),
      channel: fc.constantFrom('voice' as const, 'chat' as const),
      group: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('accept' as const, 'reject' as const, 'timeout' as const),
      pick: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      interaction: fc.constantFrom(...INTERACTIONS),
      wrapUpMs: fc.constantFrom(0, 3_000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('expire' as const),
      advanceMs: fc.constantFrom(500, 5_000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('available' as const),
      agent: fc.constantFrom(...AGENTS),
    }),
  },
);

interface Clock {
  now(): number;
  advance(ms: number): void;
  tenant(run: number): string;
}

interface History {
  /** interaction -> agent that won it by accept */
  winners: Map<string, string>;
  released: Set<string>;
}

async function snapshot(store: ReservationStore, tenantId: string): Promise<AgentLive[]> {
  const live = await Promise.all(AGENTS.map((a) => store.getAgent(tenantId, a)));
  return live.map((a) => {
    if (!a) throw new Error('agent vanished');
    return a;
  });
}

function checkInvariants(agents: AgentLive[], history: History): void {
  const offered = new Map<string, Set<string>>();
  for (const agent of agents) {
    for (const channel of ['voice', 'chat'] as const) {
      expect(agent.active[channel] + agent.reserved[channel]).toBeLessThanOrEqual(
        agent.capacity[channel],
      );
      expect(agent.reserved[channel]).toBe(
        agent.reservations.filter((r) => r.channel === channel).length,
      );
    }
    for (const r of agent.reservations) {
      offered.set(r.interactionId, (offered.get(r.interactionId) ?? new Set()).add(agent.agentId));
    }
  }
  for (const [interaction, holders] of offered) {
    // Once accepted (or released), nobody else may hold an offer for the interaction.
    expect(history.winners.has(interaction)).toBe(false);
    expect(history.released.has(interaction)).toBe(false);
    expect(holders.size).toBeGreaterThan(0);
  }
  const activeTotal = agents.reduce((n, a) => n + a.active.voice + a.active.chat, 0);
  const liveWinners = [...history.winners.keys()].filter((i) => !history.released.has(i)).length;
  expect(activeTotal).toBe(liveWinners);
}

/**
 * idleSince is when the visible state last turned available: it never moves back, and it moves
 * only in a step after which the agent is available (so never while it is reserved or busy).
 */
function checkIdleSince(before: AgentLive[], after: AgentLive[], now: number): void {
  after.forEach((agent, i) => {
    const previous = before[i];
    if (!previous) return;
    expect(agent.idleSince).toBeGreaterThanOrEqual(previous.idleSince);
    expect(agent.idleSince).toBeLessThanOrEqual(now);
    if (agent.state !== 'available') expect(agent.idleSince).toBe(previous.idleSince);
    else if (previous.state !== 'available') expect(agent.idleSince).toBeGreaterThan(0);
  });
}

/** Runs random operation sequences and checks the invariants after each step and at the end. */
export async function propertyRuns(store: ReservationStore, clock: Clock): Promise<void> {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 50 }), async (ops) => {
      const tenantId = clock.tenant(++run);
      const history: History = { winners: new Map(), released: new Set() };
      const rids: string[] = [];
      for (const a of AGENTS) {
        await store.setAgent(tenantId, a, {
          state: 'available',
          capacity: CAPACITY,
          presence: 'Available',
        });
      }
      let before = await snapshot(store, tenantId);
      for (const step of ops) {
        if (step.kind === 'reserve') {
          const r = await store.reserve(tenantId, step.agent, {
            interactionId: step.interaction,
            channel: step.channel,
            ttlMs: 2_000,
            maxMissedOffers: 2,
            ...(step.group ? { groupId: 'ring' } : {}),
          });
          if (r.ok) rids.push(r.reservationId);
        } else if (step.kind === 'accept' || step.kind === 'reject' || step.kind === 'timeout') {
          const rid = rids[step.pick % Math.max(1, rids.length)];
          if (rid === undefined) continue;
          if (step.kind === 'accept') {
            const r = await store.accept(tenantId, rid);
            if (r.ok && r.changed) {
              expect(history.winners.has(r.interactionId)).toBe(false);
              history.winners.set(r.interactionId, r.agentId);
            }
          } else if (step.kind === 'reject') await store.reject(tenantId, rid);
          else await store.timeout(tenantId, rid);
        } else if (step.kind === 'release') {
          await store.release(tenantId, step.interaction, { wrapUpMs: step.wrapUpMs });
          history.released.add(step.interaction);
        } else if (step.kind === 'expire') {
          clock.advance(step.advanceMs);
          await store.expire();
        } else if (step.kind === 'available') {
          await store.setAgent(tenantId, step.agent, {
            state: 'available',
            capacity: CAPACITY,
            presence: 'Available',
          });
        }
        const after = await snapshot(store, tenantId);
        checkInvariants(after, history);
        checkIdleSince(before, after, clock.now());
        before = after;
      }
      for (const i of INTERACTIONS) {
        await store.release(tenantId, i);
        history.released.add(i);
      }
      clock.advance(10_000);
      await store.expire();
      for (const agent of await snapshot(store, tenantId)) {
        expect(agent).toMatchObject({
          active: { voice: 0, chat: 0 },
          reserved: { voice: 0, chat: 0 },
          reservations: [],
        });
        expect(['available', 'not-ready']).toContain(agent.state);
      }
    }),
    { numRuns: 50 },
  );
}
