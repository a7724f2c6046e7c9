// Two routing replicas on one Redis racing over the same agents (issue 5, "Proof"): 200 calls
// offered as fast as possible to three queues sharing 20 agents of voice capacity 1, with a
// scripted SBC that answers most connects after a short random delay, refuses ~20% as busy and
// hangs answered calls up after a short talk. No agent may ever hold two offers, or an offer
// while busy, and every agent ends available with nothing held.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import {
  subscribeAgentChanges,
  type AgentChange,
  type AgentChangesSubscription,
} from '@ccx/routing-engine';
import { redisUrl } from '../../support/redis';
import { routingHarness, rows, type RoutingHarness } from '../../support/routing-harness';
import { overlapping, random, reportStuck, type Span } from './replicas-support';

const CALLS = 200;
const AGENTS = 20;
const SEED = Number(process.env['CCX_RACE_SEED'] ?? Date.now() % 2 ** 31);
const skill = randomUUID();
const methods = ['longest-idle', 'round-robin', 'most-proficient'] as const;
const queueIds = methods.map(() => randomUUID());
const queueNumber = (i: number) => `+4930555100${i}`;
const pad = (n: number) => String(n).padStart(2, '0');
const agentNumber = (n: number) => `+493077710${pad(n)}`;
const teamsUser = (n: number) => `00000000-0000-4000-8000-0000000000${pad(n)}`;

let h: RoutingHarness | undefined;
let changes: AgentChangesSubscription | undefined;
let subscriber: Redis | undefined;
const timers = new Set<NodeJS.Timeout>();
afterEach(async () => {
  for (const t of timers) clearTimeout(t);
  timers.clear();
  await changes?.close();
  await subscriber?.quit();
  await h?.close();
  changes = undefined;
  subscriber = undefined;
  h = undefined;
});

describe('two routing replicas racing over the same agents', () => {
  it(
    'never double-offers an agent and leaves every agent available at the end',
    { timeout: 240_000 },
    async () => {
      console.log(`replica race seed ${SEED} (replay with CCX_RACE_SEED=${SEED})`);
      const rnd = random(SEED);
      // A loaded machine must not turn a slow command reply into a withdrawn offer.
      const harness = await routingHarness({
        replicas: 2,
        label: 'race',
        commandTimeoutMs: 15_000,
      });
      h = harness;
      const t = harness.tenantId;

      // Every snapshot Redis publishes of an agent: never more held than its capacity.
      const snapshots: AgentChange[] = [];
      subscriber = new Redis(redisUrl(), { maxRetriesPerRequest: null });
      changes = await subscribeAgentChanges(subscriber, harness.prefix, (c) => {
        if (c.tenantId === t) snapshots.push(c);
      });

      const agentIds = Array.from({ length: AGENTS }, (_, i) => `agent-${i + 1}`);
      await harness.start(
        rows({
          queues: methods.map((method, i) => ({
            id: queueIds[i],
            name: `race-${method}`,
            method,
            requiredSkills: [{ skillId: skill, minLevel: 1 }],
            maxSize: 500,
            maxWaitSeconds: 3600,
            overflow: { kind: 'disconnect' },
            offerTimeoutSeconds: 30,
          })),
          agents: agentIds.map((id, i) => ({
            id,
            displayName: id,
            teamsUserId: teamsUser(i + 1),
            phoneNumber: agentNumber(i + 1),
            skills: [{ skillId: skill, level: 1 + (i % 5) }],
            capacity: { voice: 1, chat: 0 },
            maxMissedOffers: 0,
          })),
          numbers: queueIds.map((queueId, i) => ({
            firstNumber: queueNumber(i),
            lastNumber: queueNumber(i),
            purpose: 'queue',
            queueId,
          })),
        }),
      );
      for (let i = 1; i <= AGENTS; i++) {
        await harness.presence(teamsUser(i), 'Available');
        await harness.runtime.commands.agentState({
          tenantId: t,
          agentId: `agent-${i}`,
          state: 'available',
        });
      }
      await harness.waitFor('every replica sees every agent available', () =>
        harness.replicas.every((r) =>
          agentIds.every((id) => {
            const live = r.deps.mirror.get(t, id);
            return live.state === 'available' && live.presence === 'Available';
          }),
        ),
      );

      // The scripted SBC: an agent's phone is in use from the connect until the SBC reports the
      // refusal or the hang-up (it is freed before the report, which is what lets routing move on).
      // What it did with each ring (by request id = reservation id), and when it said so: the
      // report comes before routing can close the offer or free the agent.
      const phoneInUse = new Map<string, string>();
      const sbcDoubleOffers: string[] = [];
      const rings = new Map<string, { busy: boolean; reportedAt?: number; hungUpAt?: number }>();
      const assignedIds = new Set<string>();
      let scanned = 0;
      const assignedSoFar = () => {
        for (; scanned < harness.events.length; scanned++) {
          const e = harness.events[scanned];
          if (e?.name === 'interaction.assigned') assignedIds.add(e.data.interactionId);
        }
        return assignedIds;
      };
      const later = (ms: number, fn: () => Promise<void>) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          fn().catch((err: unknown) => console.error('scripted SBC:', err));
        }, ms);
        timers.add(timer);
      };
      harness.replies['sbc.connect'] = (req) => {
        const callId = String(req['callId']);
        const requestId = String(req['requestId']);
        const phone = String((req['target'] as { number?: string }).number);
        const holder = phoneInUse.get(phone);
        if (holder) sbcDoubleOffers.push(`${phone}: ${callId} while ${holder}`);
        phoneInUse.set(phone, callId);
        const ring: { busy: boolean; reportedAt?: number; hungUpAt?: number } = {
          busy: rnd() < 0.2,
        };
        rings.set(requestId, ring);
        const ringMs = 5 + Math.floor(rnd() * 40);
        const talkMs = 20 + Math.floor(rnd() * 150);
        later(ringMs, async () => {
          ring.reportedAt = Date.now();
          if (ring.busy) {
            phoneInUse.delete(phone);
            await harness.connectFailed(callId, requestId, 'busy');
            return;
          }
          await harness.answer(callId);
          // The talk starts once routing has assigned the call: the bus does not keep one call's
          // events in order, and a hang-up handled before the answer counts the call abandoned.
          await harness.waitFor(`${callId} assigned`, () => assignedSoFar().has(callId), 120_000);
          later(talkMs, async () => {
            phoneInUse.delete(phone);
            ring.hungUpAt = Date.now();
            await harness.hangup(callId);
          });
        });
        return undefined;
      };

      const calls = await Promise.all(
        Array.from({ length: CALLS }, (_, i) => harness.offerCall(queueNumber(i % 3))),
      );
      await harness
        .waitFor(
          `all ${CALLS} calls handled and hung up`,
          () => harness.of('interaction.completed').length >= CALLS,
          150_000,
        )
        .catch(async (err: unknown) => {
          await reportStuck(harness, calls, agentIds, rings);
          throw err;
        });
      await harness.settle(300, 30_000);

      // The sweep finds nothing left to close, and every agent is free.
      for (const r of harness.replicas) await r.fastTick();
      for (const agentId of agentIds) {
        const status = await harness.runtime.commands.agentStatus({ tenantId: t, agentId });
        expect(status, agentId).toMatchObject({
          state: 'available',
          active: { voice: 0, chat: 0 },
          reserved: { voice: 0, chat: 0 },
          offers: [],
        });
      }
      const stats = await harness.runtime.commands.queueStats({ tenantId: t });
      expect(stats.queues.map((q) => q.waiting)).toEqual([0, 0, 0]);

      // Every call was assigned exactly once, and completed.
      const assigned = harness.of('interaction.assigned').map((e) => e.data.interactionId);
      expect(new Set(assigned).size).toBe(CALLS);
      expect(assigned).toHaveLength(CALLS);
      expect(new Set(harness.of('interaction.completed').map((e) => e.data.interactionId))).toEqual(
        new Set(calls),
      );
      expect(harness.of('interaction.abandoned')).toHaveLength(0);

      // The event timeline. An offer starts when interaction.offered says so (after the agent was
      // reserved) and holds the agent at least until the SBC reported the refusal, or the hang-up
      // of the answered call (routing frees the agent only after that): two such spans of one agent
      // overlapping is a double offer for certain. An interaction's offer lasts until the refusal
      // or the answer. Each offer ends with the outcome the SBC caused, the answered ones assigned.
      const at = (iso: string) => Date.parse(iso);
      const offered = harness.of('interaction.offered');
      const outcomes = new Map(
        harness.of('interaction.offer-ended').map((e) => [e.data.reservationId, e.data.outcome]),
      );
      const assignedTo = new Map(
        harness.of('interaction.assigned').map((e) => [e.data.interactionId, e.data.agentId]),
      );
      const agentSpans: Span[] = [];
      const interactionSpans: Span[] = [];
      const wrongEnds: string[] = [];
      for (const o of offered) {
        const { reservationId: id, agentId, interactionId } = o.data;
        const ring = rings.get(id);
        const start = at(o.occurredAt);
        const held = (ring?.busy ? ring.reportedAt : ring?.hungUpAt) ?? Infinity;
        agentSpans.push({ owner: agentId, id, start, end: held });
        interactionSpans.push({
          owner: interactionId,
          id,
          start,
          end: ring?.reportedAt ?? Infinity,
        });
        const expected = ring?.busy ? 'rejected' : 'accepted';
        if (outcomes.get(id) !== expected)
          wrongEnds.push(`${id}: ${outcomes.get(id) ?? 'no end'}, expected ${expected}`);
        if (!ring?.busy && assignedTo.get(interactionId) !== agentId)
          wrongEnds.push(
            `${interactionId} answered by ${agentId}, assigned to ${assignedTo.get(interactionId)}`,
          );
      }
      const doubleOffers = overlapping(agentSpans);
      const doubleOffered = overlapping(interactionSpans);
      const overCapacity = snapshots.filter((s) => s.active.voice + s.reserved.voice > 1);
      const bySource = new Map<string, number>();
      for (const o of offered) bySource.set(o.source, (bySource.get(o.source) ?? 0) + 1);
      console.log(
        `replica race: ${offered.length} offers (${[...bySource].map(([s, n]) => `${s} ${n}`).join(', ')}), ` +
          `${[...rings.values()].filter((r) => r.busy).length} refused, ` +
          `double-offers: events ${doubleOffers.length}, sbc.connect ${sbcDoubleOffers.length}, ` +
          `interactions offered twice at once ${doubleOffered.length}, ` +
          `over-capacity snapshots ${overCapacity.length} of ${snapshots.length}`,
      );

      // Every visible state change is announced once on the bus, by the replica that made it.
      const announced = new Map<string, number>();
      for (const e of harness.of('agent.state-changed')) {
        const key = `${e.data.agentId}@${e.data.version}`;
        announced.set(key, (announced.get(key) ?? 0) + 1);
      }
      const last = new Map<string, string>();
      const unannounced: string[] = [];
      for (const s of [...snapshots].sort((a, b) => a.version - b.version)) {
        const before = last.get(s.agentId);
        last.set(s.agentId, s.state);
        const key = `${s.agentId}@${s.version}`;
        if (before !== undefined && before !== s.state && !announced.has(key))
          unannounced.push(`${key} ${before}→${s.state}`);
      }
      expect(unannounced).toEqual([]);
      expect([...announced].filter(([, n]) => n > 1)).toEqual([]);

      expect(doubleOffers).toEqual([]);
      expect(wrongEnds).toEqual([]);
      expect(sbcDoubleOffers).toEqual([]);
      expect(doubleOffered).toEqual([]);
      expect(overCapacity).toEqual([]);
      expect(snapshots.length).toBeGreaterThan(CALLS);
      // Every ring was an offer, and both replicas really made offers.
      expect(harness.sent('sbc.connect')).toHaveLength(offered.length);
      expect(bySource.get('routing-0') ?? 0).toBeGreaterThan(0);
      expect(bySource.get('routing-1') ?? 0).toBeGreaterThan(0);
    },
  );

  it("honours a Teams presence published before an agent's first sign-in on every replica", async () => {
    const harness = await routingHarness({ replicas: 2, label: 'race-presence' });
    h = harness;
    const t = harness.tenantId;
    const ids = [1, 2, 3, 4];
    await harness.start(
      rows({
        agents: ids.map((n) => ({
          id: `agent-${n}`,
          teamsUserId: teamsUser(n),
          phoneNumber: agentNumber(n),
          skills: [{ skillId: skill, level: 1 }],
        })),
      }),
    );
    for (const n of ids) await harness.presence(teamsUser(n), 'Available');
    const holder = (id: string) =>
      harness.replicas.findIndex((r) => r.deps.mirror.get(t, id).presence === 'Available');
    await harness.waitFor('presence handled by a replica', () =>
      ids.every((n) => holder(`agent-${n}`) >= 0),
    );
    // Each agent signs in through the replica that did not handle its presence event.
    for (const n of ids) {
      const other = harness.replicas[1 - holder(`agent-${n}`)];
      await other?.commands.agentState({ tenantId: t, agentId: `agent-${n}`, state: 'available' });
    }
    await harness.waitFor('both replicas see every agent Available', () =>
      harness.replicas.every((r) =>
        ids.every((n) => r.deps.mirror.get(t, `agent-${n}`).presence === 'Available'),
      ),
    );
    for (const n of ids) {
      const status = await harness.runtime.commands.agentStatus({
        tenantId: t,
        agentId: `agent-${n}`,
      });
      expect(status.presence).toBe('Available');
    }
  });
});
