// A property of the routing runtime over a real bus and Redis (issue 5, "Proof"): no sequence
// of calls, answers, refusals, hang-ups, agent states, presence changes, callbacks and time
// passing, on one or two replicas, double-books an agent or strands one. The replicas' clock is
// the test's, so offers and wrap-ups time out when a step moves it.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routingHarness, rows, type RoutingHarness } from '../../support/routing-harness';
import { checkSettled, checkStep, type Model } from './runtime-property-checks';

const skill = randomUUID();
const AGENTS = [1, 2, 3];
const NUMBERS = ['+4930555201', '+4930555202'];
const teamsUser = (n: number) => `00000000-0000-4000-8000-00000000020${n}`;

type Step =
  | { kind: 'call'; to: number }
  | { kind: 'answer' | 'hangup' | 'callback'; pick: number }
  | { kind: 'fail'; pick: number; outcome: 'busy' | 'no-answer' }
  | { kind: 'state'; agent: number; state: 'available' | 'not-ready' | 'logged-out' }
  | { kind: 'presence'; agent: number; availability: 'Available' | 'Busy' }
  | { kind: 'time'; ms: number; replica: number };

const pick = fc.nat(99);
const agent = fc.constantFrom(...AGENTS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('call'), to: fc.nat(1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('answer'), pick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('hangup'), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('callback'), pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('fail'),
      pick,
      outcome: fc.constantFrom('busy', 'no-answer'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('state'),
      agent,
      state: fc.constantFrom('available', 'available', 'not-ready', 'logged-out'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('presence'),
      agent,
      availability: fc.constantFrom('Available', 'Available', 'Busy'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('time'),
      ms: fc.constantFrom(500, 1_500, 4_000),
      replica: fc.nat(1),
    }),
  },
);

/** The calls the scripted SBC is ringing an agent for: the latest attempt of each live call. */
function ringing(h: RoutingHarness, m: Model): { callId: string; requestId: string }[] {
  const latest = new Map<string, string>();
  for (const c of h.commands) {
    if (c.name !== 'sbc.connect' && c.name !== 'sbc.originate') continue;
    latest.set(String(c.request['callId']), String(c.request['requestId']));
  }
  return [...latest]
    .filter(([callId, requestId]) => m.live.has(callId) && !m.settledRings.has(requestId))
    .map(([callId, requestId]) => ({ callId, requestId }));
}

async function apply(h: RoutingHarness, m: Model, s: Step, advance: (ms: number) => void) {
  const t = h.tenantId;
  const of = <T>(list: readonly T[], n: number) => list[n % Math.max(1, list.length)];
  switch (s.kind) {
    case 'call': {
      const callId = await h.offerCall(NUMBERS[s.to] ?? '');
      m.live.add(callId);
      m.interactions.add(callId);
      return;
    }
    case 'answer':
    case 'fail': {
      const ring = of(ringing(h, m), s.pick);
      if (!ring) return;
      m.settledRings.add(ring.requestId);
      if (s.kind !== 'fail') return h.answer(ring.callId);
      await h.connectFailed(ring.callId, ring.requestId, s.outcome);
      // A callback's call to the agent ends with it (the SBC hangs it up).
      if (!m.interactions.has(ring.callId)) return hangup(h, m, ring.callId);
      return;
    }
    case 'hangup': {
      const callId = of([...m.live], s.pick);
      if (callId) await hangup(h, m, callId);
      return;
    }
    case 'callback': {
      const callId = of(
        [...m.live].filter((c) => m.interactions.has(c)),
        s.pick,
      );
      if (!callId) return;
      const reply = await h.runtime.commands.callback({
        tenantId: t,
        requestId: randomUUID(),
        callId,
      });
      if (reply.accepted) await hangup(h, m, callId); // the SBC reports the hang-up it was asked for
      return;
    }
    case 'state':
      await h.runtime.commands.agentState({
        tenantId: t,
        agentId: `agent-${s.agent}`,
        state: s.state,
      });
      return;
    case 'presence':
      return h.presence(teamsUser(s.agent), s.availability);
    case 'time': {
      advance(s.ms);
      const r = h.replicas[s.replica % h.replicas.length] ?? h.runtime;
      await r.fastTick();
      await r.runQueues();
      return;
    }
  }
}

async function hangup(h: RoutingHarness, m: Model, callId: string) {
  m.live.delete(callId);
  await h.hangup(callId);
}

/** The originate calls routing started, once seen, are live calls the test can end. */
function track(h: RoutingHarness, m: Model) {
  for (const c of h.commands)
    if (c.name === 'sbc.originate') {
      const id = String(c.request['callId']);
      if (!m.seenOriginates.has(id)) {
        m.seenOriginates.add(id);
        m.live.add(id);
      }
    }
}

async function runOnce(replicas: number, steps: Step[]) {
  let clock = Date.now();
  const h = await routingHarness({
    replicas,
    label: 'prop',
    now: () => clock,
    offerGraceMs: 1_000,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  const m: Model = {
    live: new Set(),
    interactions: new Set(),
    settledRings: new Set(),
    seenOriginates: new Set(),
    agents: AGENTS.map((n) => `agent-${n}`),
  };
  try {
    await h.start(
      rows({
        queues: NUMBERS.map((_, i) => ({
          id: `q${i}`,
          name: `prop-${i}`,
          method: i === 0 ? 'longest-idle' : 'round-robin',
          requiredSkills: [{ skillId: skill, minLevel: 1 }],
          maxSize: 50,
          maxWaitSeconds: 3600,
          overflow: { kind: 'disconnect' },
          offerTimeoutSeconds: 2,
          wrapUpSeconds: i,
        })),
        agents: AGENTS.map((n) => ({
          id: `agent-${n}`,
          teamsUserId: teamsUser(n),
          phoneNumber: `+49307770${n}0`,
          skills: [{ skillId: skill, level: n }],
          capacity: { voice: 1, chat: 0 },
        })),
        numbers: NUMBERS.map((number, i) => ({
          firstNumber: number,
          lastNumber: number,
          purpose: 'queue',
          queueId: `q${i}`,
        })),
      }),
    );
    // The day starts with two agents signed in and everyone Available in Teams.
    for (const n of AGENTS) await h.presence(teamsUser(n), 'Available');
    for (const n of [1, 2])
      await h.runtime.commands.agentState({
        tenantId: h.tenantId,
        agentId: `agent-${n}`,
        state: 'available',
      });
    for (const [i, s] of steps.entries()) {
      await apply(h, m, s, advance);
      track(h, m);
      await checkStep(h, m);
      if (i % 10 === 9) {
        await h.settle(200);
        track(h, m);
        await checkSettled(h, m);
      }
    }
    // The end: nobody takes calls any more, every call is hung up, time runs out every offer
    // and wrap-up, and no agent may be left holding anything.
    for (const agentId of m.agents)
      await h.runtime.commands.agentState({ tenantId: h.tenantId, agentId, state: 'logged-out' });
    for (let round = 0; round < 5; round++) {
      await h.settle(200);
      track(h, m);
      if (m.live.size === 0) break;
      for (const callId of [...m.live]) await hangup(h, m, callId);
    }
    advance(60_000);
    for (const r of h.replicas) await r.fastTick();
    await h.settle(200);
    await checkSettled(h, m);
    for (const agentId of m.agents) {
      const status = await h.runtime.commands.agentStatus({ tenantId: h.tenantId, agentId });
      expect(status, agentId).toMatchObject({
        state: 'logged-out',
        active: { voice: 0, chat: 0 },
        reserved: { voice: 0, chat: 0 },
        offers: [],
      });
    }
  } finally {
    tally(h);
    await h.close();
  }
}

/** What the runs exercised, printed at the end (a property that does nothing proves nothing). */
const seen: Record<string, number> = {};
function tally(h: RoutingHarness) {
  const add = (k: string, n: number) => (seen[k] = (seen[k] ?? 0) + n);
  add('runs', 1);
  add('sbc.connect', h.sent('sbc.connect').length);
  add('sbc.originate', h.sent('sbc.originate').length);
  add('assigned', h.of('interaction.assigned').length);
  add('callbacks', h.of('interaction.callback-requested').length);
  add('abandoned', h.of('interaction.abandoned').length);
  for (const e of h.of('interaction.offer-ended')) add(`offer ${e.data.outcome}`, 1);
}

describe('routing runtime property', () => {
  it(
    'no sequence of events double-books an agent or strands one',
    { timeout: 300_000 },
    async () => {
      const seed = Number(process.env['CCX_PROPERTY_SEED'] ?? Date.now() % 2 ** 31);
      console.log(`routing runtime property seed ${seed} (replay with CCX_PROPERTY_SEED=${seed})`);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 2 }),
          fc.array(step, { minLength: 5, maxLength: 40, size: 'max' }),
          runOnce,
        ),
        { numRuns: 30, seed, endOnFailure: true },
      );
      console.log(`routing runtime property exercised: ${JSON.stringify(seen)}`);
    },
  );
});
