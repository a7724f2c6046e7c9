// Runs a queue: loads who is waiting, asks `decide` for one step, acts on it (reserve an agent
// and offer, or overflow), and repeats until the queue has to wait. One run per queue at a time
// in this replica; another replica may run the same queue, and the reservation script settles
// any race (a refused reserve moves on to the next agent or interaction).
import { randomUUID } from 'node:crypto';
import type { QueueConfig } from '@ccx/routing-model';
import { decide, type Decision } from '../selection/queue-decision';
import type { RoundRobinState } from '../selection/methods';
import type { Agent, Interaction } from '../selection/model';
import type { RuntimeDeps } from './deps';
import type { TenantDirectory } from './directory';
import type { ClosedOffer } from '../reservations/types';
import type { InteractionRecord } from './interaction-store';
import { preselect } from './preselect';

/** Agents tried for one interaction in one step before moving on. */
const MAX_TRIES = 8;
/** Steps per run, so a queue cannot starve the event loop. */
const MAX_STEPS = 200;

export interface OfferMade {
  tenantId: string;
  queue: QueueConfig;
  interaction: InteractionRecord;
  agentIds: string[];
  reservationIds: string[];
  ringAll: boolean;
  deadline: number;
  /** performance.now() when the (first) agent was reserved: the moment the offer was made. */
  reservedAt: number;
}

export interface DispatchHooks {
  /** An agent (or, for ring-all, several) was reserved for the interaction. */
  offered(offer: OfferMade): Promise<void>;
  /** An offer taken back before it was announced (the interaction left the queue meanwhile). */
  withdrawn(tenantId: string, offer: ClosedOffer): Promise<void>;
  overflow(
    tenantId: string,
    queue: QueueConfig,
    interaction: InteractionRecord,
    reason: 'closed' | 'max-wait' | 'max-size',
  ): Promise<void>;
}

function toInteraction(rec: InteractionRecord): Interaction {
  return {
    id: rec.id,
    tenantId: rec.tenantId,
    queueId: rec.queueId ?? '',
    channel: 'voice',
    priority: rec.priority,
    enqueuedAt: rec.enqueuedAt ?? rec.createdAt,
    ...(rec.originalEnqueuedAt !== undefined ? { originalEnqueuedAt: rec.originalEnqueuedAt } : {}),
    ...(rec.requiredSkills ? { requiredSkills: rec.requiredSkills } : {}),
    ...(rec.callbackNumber ? { callbackRequested: true } : {}),
  };
}

export class Dispatcher {
  private readonly running = new Map<string, boolean>();
  /** The agent last offered per queue (round robin). */
  private readonly lastOffered = new Map<string, string>();
  /** Decisions taken (calls of `decide`), for metrics and the benchmark. */
  decisions = 0;

  constructor(
    private readonly deps: RuntimeDeps,
    private readonly hooks: DispatchHooks,
  ) {}

  /**
   * Runs the queue now, or once more after the run in progress. `waiting`: the queue's waiting
   * list when the caller has just read it (saves the first step a round trip).
   */
  async run(tenantId: string, queueId: string, waiting?: InteractionRecord[]): Promise<void> {
    const key = `${tenantId}/${queueId}`;
    if (this.running.has(key)) {
      this.running.set(key, true);
      return;
    }
    this.running.set(key, false);
    try {
      let prefetched = waiting;
      do {
        this.running.set(key, false);
        await this.runOnce(tenantId, queueId, prefetched);
        prefetched = undefined;
      } while (this.running.get(key));
    } finally {
      this.running.delete(key);
    }
  }

  /** Round-robin state for one queue (a whole-tenant record would be copied on every offer). */
  private turn(queueId: string): RoundRobinState {
    const last = this.lastOffered.get(queueId);
    return last === undefined ? {} : { [queueId]: last };
  }

  private agentsFor(
    dir: TenantDirectory,
    queue: QueueConfig,
    records: readonly InteractionRecord[],
    waiting: readonly Interaction[],
    now: number,
  ): Agent[] {
    let ids: Iterable<string> = dir.candidatesOf(queue.id);
    // A flow may have set its own skills: those agents are not in the queue's index.
    if (records.some((w) => w.requiredSkills)) {
      const all = new Set(ids);
      for (const w of records)
        if (w.requiredSkills)
          for (const id of dir.agentsFor(queue.id, w.requiredSkills)) all.add(id);
      ids = all;
    }
    // Ring-all offers to everyone eligible; the other methods pick from the best few.
    const chosen =
      queue.method === 'ring-all'
        ? ids
        : preselect({
            dir,
            mirror: this.deps.mirror,
            queue,
            ids,
            waiting,
            now,
            lastOffered: this.lastOffered.get(queue.id),
            limit: MAX_TRIES,
          });
    const out: Agent[] = [];
    for (const id of chosen) {
      // Voice needs an available agent: skip the others before building their view.
      if (this.deps.mirror.get(dir.tenantId, id).state !== 'available') continue;
      const entry = dir.agents.get(id);
      if (entry) out.push(this.deps.mirror.view(dir.tenantId, entry));
    }
    return out;
  }

  private async runOnce(
    tenantId: string,
    queueId: string,
    prefetched: InteractionRecord[] | undefined,
  ): Promise<void> {
    const dir = this.deps.directory(tenantId);
    const entry = dir?.queues.get(queueId);
    if (!dir || !entry) return;
    const queue = entry.config;
    const skipped = new Set<string>();
    let known = prefetched;
    for (let step = 0; step < MAX_STEPS; step++) {
      const list = known ?? (await this.deps.interactions.waiting(tenantId, queueId));
      known = undefined;
      const records = list.filter((r) => r.state === 'waiting' && !skipped.has(r.id));
      if (records.length === 0) return;
      const byId = new Map(records.map((r) => [r.id, r]));
      const now = this.deps.now();
      this.decisions++;
      const waiting = records.map(toInteraction);
      const agents = this.agentsFor(dir, queue, records, waiting, now);
      const decision = decide(queue, waiting, agents, now, this.turn(queue.id));
      if (decision.kind === 'wait') return;
      const rec = byId.get(decision.interaction.id);
      if (!rec) return;
      if (decision.kind === 'overflow') {
        await this.hooks.overflow(tenantId, queue, rec, decision.reason);
        continue;
      }
      const made = await this.offer(tenantId, queue, rec, decision);
      if (made === 'none') skipped.add(rec.id);
      // The list just read held nobody else: the queue is empty without reading it again. An
      // arrival meanwhile runs the queue once more (run's rerun flag), so nobody is missed.
      if (made === 'made' && records.length === 1) known = [];
    }
  }

  private async offer(
    tenantId: string,
    queue: QueueConfig,
    rec: InteractionRecord,
    decision: Extract<Decision, { kind: 'offer' }>,
  ): Promise<'made' | 'none' | 'gone'> {
    const ttlMs = decision.offerTimeoutSeconds * 1000 + this.deps.offerGraceMs;
    const groupId = decision.ringAll ? randomUUID() : undefined;
    const agentIds: string[] = [];
    const reservationIds: string[] = [];
    let deadline = 0;
    let reservedAt = 0;
    const dir = this.deps.directory(tenantId);
    for (const agent of decision.agents.slice(0, decision.ringAll ? 50 : MAX_TRIES)) {
      const result = await this.deps.reservations.reserve(tenantId, agent.id, {
        interactionId: rec.id,
        channel: 'voice',
        ttlMs,
        maxMissedOffers: dir?.agents.get(agent.id)?.maxMissedOffers ?? 0,
        ...(groupId ? { groupId } : {}),
        ...(queue.presenceAware ? { requirePresence: 'Available' } : {}),
      });
      if (result.ok) {
        if (agentIds.length === 0) reservedAt = performance.now();
        agentIds.push(agent.id);
        reservationIds.push(result.reservationId);
        deadline = result.deadline;
        if (!decision.ringAll) break;
        continue;
      }
      // The interaction itself cannot be offered any more: stop trying agents for it.
      if (result.reason.startsWith('interaction-')) return 'gone';
    }
    if (agentIds.length === 0) return 'none';
    const firstAgent = agentIds[0] ?? '';
    const firstReservation = reservationIds[0] ?? '';
    const previous = await this.deps.interactions.leave(tenantId, rec.id, 'offered', ['waiting'], {
      reservationId: decision.ringAll ? groupId : firstReservation,
      agentId: decision.ringAll ? undefined : firstAgent,
      offeredAt: this.deps.now(),
    });
    if (previous !== 'waiting') {
      // It ended or left meanwhile: give the agents back.
      for (const id of reservationIds) {
        const closed = await this.deps.reservations.timeout(tenantId, id);
        if (closed.released) await this.hooks.withdrawn(tenantId, closed.released);
      }
      return 'gone';
    }
    this.lastOffered.set(queue.id, firstAgent);
    await this.hooks.offered({
      tenantId,
      queue,
      interaction: {
        ...rec,
        state: 'offered',
        reservationId: firstReservation,
        agentId: firstAgent,
      },
      agentIds,
      reservationIds,
      ringAll: decision.ringAll,
      deadline,
      reservedAt,
    });
    return 'made';
  }
}
