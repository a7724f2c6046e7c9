// The routing service's reactions to what happens on the bus: a call offered to a queue number
// becomes an interaction (through a virtual-assistant flow, or straight into its queue); an
// answer accepts the offer; a failed connect or a timeout puts it back in its place; a hang-up
// ends it and frees the agent; presence and agent changes run the queues the agent serves.
import type { EventOf } from '@ccx/contracts';
import type { QueueConfig } from '@ccx/routing-model';
import type { ClosedOffer } from '../reservations/types';
import type { AgentChangeLike } from './agent-mirror';
import type { RuntimeDeps } from './deps';
import { Dispatcher, type DispatchHooks, type OfferMade } from './dispatcher';
import type { EnqueueMode, InteractionRecord, InteractionState } from './interaction-store';
import { Offers } from './offers';
import { Overflows } from './overflows';

/** Runs virtual-assistant flows (and prompts before an overflow); see flow-host.ts. */
export interface FlowRunner {
  start(rec: InteractionRecord, flowId: string): Promise<void>;
  overflow(rec: InteractionRecord, queue: QueueConfig): Promise<boolean>;
  ended(rec: InteractionRecord): Promise<void>;
}

export interface OfferObserver {
  (offer: OfferMade, enqueueToOfferMs: number | undefined): void;
}

export class Router implements DispatchHooks {
  readonly dispatcher: Dispatcher;
  readonly offers: Offers;
  private readonly overflows: Overflows;
  flows: FlowRunner | undefined;
  /** Called for every offer made (metrics, benchmarks). */
  observer: OfferObserver | undefined;
  private readonly enqueuedAt = new Map<string, number>();
  /** Agents freed since the last drain, by tenant (runQueuesOf). */
  private readonly freed = new Map<string, Set<string>>();
  private draining = false;
  /** Queues whose figures changed since the last `queue.stats` push. */
  readonly touched = new Set<string>();

  constructor(private readonly deps: RuntimeDeps) {
    this.dispatcher = new Dispatcher(deps, this);
    this.overflows = new Overflows(deps, this);
    this.offers = new Offers(
      deps,
      (t, q) => this.run(t, q),
      (t, id) => this.endWithoutCall(t, id),
    );
  }

  /** Work whose failure is logged rather than failing the event being handled. */
  private background(work: Promise<unknown>): Promise<void> {
    return work.then(
      () => undefined,
      (err: unknown) => this.deps.log.error({ err: String(err) }, 'background work failed'),
    );
  }

  run(tenantId: string, queueId: string): Promise<void> {
    return this.dispatcher.run(tenantId, queueId);
  }

  private timeZone(tenantId: string, queueId: string): string {
    return this.deps.directory(tenantId)?.queues.get(queueId)?.config.hours?.timeZone ?? 'UTC';
  }

  // ---- calls

  async callOffered(ev: EventOf<'call.offered'>): Promise<void> {
    const number = ev.data.to.number;
    const callId = ev.callId;
    if (ev.data.direction !== 'inbound' || !number || !callId) return;
    const route = this.deps.directory(ev.tenantId)?.routeFor(number);
    if (!route) return;
    const rec: InteractionRecord = {
      id: callId,
      tenantId: ev.tenantId,
      callId,
      state: 'flow',
      priority: 50,
      variables: {},
      createdAt: this.deps.now(),
      answeredLocally: false,
      called: number,
      ...(ev.data.sbcId ? { sbcId: ev.data.sbcId } : {}),
      ...(ev.data.from.number ? { caller: ev.data.from.number } : {}),
    };
    // 'exists': a redelivered event; 'gone': the hang-up was handled first.
    if ((await this.deps.interactions.create(rec)) !== 'created') return;
    void this.background(
      this.deps.bus.publish('interaction.created', {
        tenantId: rec.tenantId,
        callId,
        data: {
          interactionId: rec.id,
          channel: 'voice',
          ...(route.queueId ? { queueId: route.queueId } : {}),
        },
      }),
    );
    if (route.flowId && this.flows) await this.flows.start(rec, route.flowId);
    else if (route.queueId) await this.enqueue(rec, route.queueId, 'new', ['flow']);
  }

  /** Puts an interaction into a queue and runs the queue. */
  async enqueue(
    rec: InteractionRecord,
    queueId: string,
    mode: EnqueueMode,
    from: readonly InteractionState[],
  ): Promise<number> {
    const now = this.deps.now();
    this.enqueuedAt.set(rec.id, performance.now());
    const { position, waiting } = await this.deps.interactions.enqueueAndList(
      rec.tenantId,
      rec.id,
      queueId,
      now,
      mode,
      from,
    );
    if (position === 0) {
      this.enqueuedAt.delete(rec.id);
      return 0;
    }
    this.touched.add(`${rec.tenantId}/${queueId}`);
    // Announced in the background, on the bus's connection: sent before the offer's event.
    void this.background(
      this.deps.bus.publish('interaction.queued', {
        tenantId: rec.tenantId,
        callId: rec.id,
        data: {
          interactionId: rec.id,
          queueId,
          requiredSkills: (rec.requiredSkills ?? []).map((s) => s.skillId),
          priority: rec.priority,
        },
      }),
    );
    await this.dispatcher.run(rec.tenantId, queueId, waiting);
    // Counted after the decision, so its writes do not queue ahead of the reservation.
    await this.background(
      this.deps.stats.record(
        rec.tenantId,
        queueId,
        { kind: 'offered' },
        now,
        this.timeZone(rec.tenantId, queueId),
      ),
    );
    return position;
  }

  async callAnswered(ev: EventOf<'call.answered'>): Promise<void> {
    if (!ev.callId) return;
    const rec = await this.deps.interactions.byCall(ev.tenantId, ev.callId);
    if (!rec || rec.state !== 'offered' || !rec.reservationId || !rec.agentId) return;
    await this.accept(rec, rec.reservationId);
  }

  /** The agent took the interaction (answered the call, or accepted a ring-all offer). */
  async accept(rec: InteractionRecord, reservationId: string): Promise<boolean> {
    const t = rec.tenantId;
    let result = await this.deps.reservations.accept(t, reservationId);
    if (!result.ok && result.released && rec.state === 'offered') {
      // Answered after the offer's deadline (a late report): the offer is closed as timed out,
      // but the call is connected to this agent, so the agent is reserved again and accepted.
      await this.offers.publishEnded(t, result.released, 'timeout');
      const again = await this.deps.reservations.reserve(t, result.released.agentId, {
        interactionId: rec.id,
        channel: 'voice',
        ttlMs: this.deps.offerGraceMs,
      });
      if (again.ok) {
        await this.deps.interactions.transition(t, rec.id, ['offered'], {
          reservationId: again.reservationId,
        });
        reservationId = again.reservationId;
        result = await this.deps.reservations.accept(t, reservationId);
      }
    }
    if (!result.ok) {
      this.deps.log.warn(
        { tenantId: t, interactionId: rec.id, reason: result.reason },
        'accept refused',
      );
      return false;
    }
    const now = this.deps.now();
    const previous = await this.deps.interactions.transition(t, rec.id, ['offered'], {
      state: 'connected',
      answeredAt: now,
      agentId: result.agentId,
      reservationId,
    });
    if (previous !== 'offered' || !result.changed) return previous === 'connected';
    const queueId = rec.queueId ?? '';
    const queue = this.deps.directory(t)?.queues.get(queueId)?.config;
    const waitMs = Math.max(0, now - (rec.originalEnqueuedAt ?? rec.enqueuedAt ?? now));
    this.touched.add(`${t}/${queueId}`);
    for (const c of result.cancelled) await this.offers.publishEnded(t, c, 'cancelled');
    await Promise.all([
      this.deps.stats.record(
        t,
        queueId,
        { kind: 'answered', waitMs, serviceLevelMs: (queue?.serviceLevelSeconds ?? 20) * 1000 },
        now,
        this.timeZone(t, queueId),
      ),
      this.deps.bus.publishMany([
        {
          name: 'interaction.offer-ended',
          tenantId: t,
          callId: rec.id,
          data: {
            interactionId: rec.id,
            agentId: result.agentId,
            reservationId,
            outcome: 'accepted',
          },
        },
        {
          name: 'interaction.assigned',
          tenantId: t,
          callId: rec.id,
          data: { interactionId: rec.id, queueId, agentId: result.agentId, waitedMs: waitMs },
        },
      ]),
    ]);
    return true;
  }

  async connectFailed(ev: EventOf<'call.connect-failed'>): Promise<void> {
    if (!ev.callId) return;
    const rec = await this.deps.interactions.byCall(ev.tenantId, ev.callId);
    if (rec?.state === 'transferred' && ev.data.requestId === `transfer-${rec.id}`)
      return this.transferFailed(rec);
    if (!rec || rec.state !== 'offered') return;
    const how =
      ev.data.outcome === 'rejected' || ev.data.outcome === 'busy' ? 'rejected' : 'timeout';
    await this.offers.close(ev.tenantId, rec.id, ev.data.requestId, how);
  }

  /** The interaction's call is gone without a hang-up we saw: end it like an abandon. */
  async endWithoutCall(tenantId: string, interactionId: string): Promise<void> {
    const rec = await this.deps.interactions.get(tenantId, interactionId);
    if (rec) await this.ended(rec, rec.callId);
  }

  async callEnded(ev: EventOf<'call.ended'>): Promise<void> {
    if (!ev.callId) return;
    const rec = await this.deps.interactions.byCall(ev.tenantId, ev.callId);
    // A hang-up may be handled before the offer of the same call (replicas, concurrency).
    if (!rec) return this.deps.interactions.markGone(ev.tenantId, ev.callId);
    // Events of one call may be handled out of order: a hang-up can come before the answer it
    // follows. A call the SBC did not answer itself and whose record says it was answered was
    // answered by the agent it was offered to — accept it first, so it counts as answered.
    const answered = ev.data.cdr?.answeredAt !== undefined && (ev.data.cdr.billableMs ?? 0) > 0;
    const byAgent = rec.state === 'offered' && !rec.answeredLocally && !rec.callbackNumber;
    if (answered && byAgent && rec.reservationId && (await this.accept(rec, rec.reservationId))) {
      const fresh = await this.deps.interactions.get(rec.tenantId, rec.id);
      return this.ended(fresh ?? rec, ev.callId);
    }
    await this.ended(rec, ev.callId);
  }

  private async ended(rec: InteractionRecord, callId: string): Promise<void> {
    const t = rec.tenantId;
    // A call the interaction has moved on from (a callback's first call).
    if (rec.callId !== callId) return;
    if (rec.callbackNumber && rec.state === 'offered' && rec.reservationId) {
      // The callback's call to the agent ended before anyone answered: try again later.
      await this.offers.close(t, rec.id, rec.reservationId, 'timeout');
      return;
    }
    const previous = await this.deps.interactions.leave(t, rec.id, 'ended', []);
    if (previous === 'ended' || previous === '') return;
    const queueId = rec.queueId;
    const queue = queueId ? this.deps.directory(t)?.queues.get(queueId)?.config : undefined;
    const connected = previous === 'connected';
    const released = await this.deps.reservations.release(
      t,
      rec.id,
      connected && queue ? { wrapUpMs: queue.wrapUpSeconds * 1000 } : {},
    );
    // Offers still ringing when the caller hung up end too (cancelled).
    for (const c of released.cancelled) await this.offers.publishEnded(t, c, 'cancelled');
    const now = this.deps.now();
    if (previous === 'flow' || previous === 'transferred') {
      if (previous === 'flow') await this.flows?.ended(rec);
      return;
    }
    if (!queueId) return;
    this.touched.add(`${t}/${queueId}`);
    const tz = this.timeZone(t, queueId);
    if (connected) {
      const handledMs = Math.max(0, now - (rec.answeredAt ?? now));
      // Handle time goes to the interval the call was answered in, next to its answer count, so
      // an interval's AHT (handle time / answered) holds even when the call ends in a later one.
      const at = rec.answeredAt ?? now;
      await this.deps.stats.record(t, queueId, { kind: 'handled', handleMs: handledMs }, at, tz);
      await this.deps.bus.publish('interaction.completed', {
        tenantId: t,
        callId: rec.id,
        data: {
          interactionId: rec.id,
          handledMs,
          ...(rec.agentId ? { agentId: rec.agentId } : {}),
        },
      });
      return;
    }
    const waitedMs = Math.max(0, now - (rec.originalEnqueuedAt ?? rec.enqueuedAt ?? now));
    await this.deps.stats.record(
      t,
      queueId,
      { kind: 'abandoned', waitMs: waitedMs, shortAbandonMs: this.deps.shortAbandonMs },
      now,
      tz,
    );
    await this.deps.bus.publish('interaction.abandoned', {
      tenantId: t,
      callId: rec.id,
      data: { interactionId: rec.id, waitedMs },
    });
  }

  async transferFailed(rec: InteractionRecord): Promise<void> {
    return this.overflows.transferFailed(rec);
  }

  async overflow(
    tenantId: string,
    queue: QueueConfig,
    rec: InteractionRecord,
    reason: 'closed' | 'max-wait' | 'max-size',
  ): Promise<void> {
    return this.overflows.overflow(tenantId, queue, rec, reason);
  }

  // ---- dispatch hooks

  async withdrawn(tenantId: string, offer: ClosedOffer): Promise<void> {
    await this.offers.publishEnded(tenantId, offer, 'cancelled');
  }

  async offered(offer: OfferMade): Promise<void> {
    const started = this.enqueuedAt.get(offer.interaction.id);
    this.enqueuedAt.delete(offer.interaction.id);
    this.observer?.(offer, started === undefined ? undefined : offer.reservedAt - started);
    await this.offers.made(offer);
  }

  // ---- agents and presence

  async presenceChanged(ev: EventOf<'presence.changed'>): Promise<void> {
    const dir = this.deps.directory(ev.tenantId);
    const agent = ev.data.agentId
      ? dir?.agents.get(ev.data.agentId)
      : dir?.agentByTeamsUser(ev.data.userId);
    if (!dir || !agent) return;
    this.deps.mirror.setPresence(ev.tenantId, agent.id, ev.data.availability);
    // Kept on the agent too, so every replica's mirror hears of it (the register decides offers).
    await this.deps.reservations.setPresence(ev.tenantId, agent.id, ev.data.availability);
    if (ev.data.availability === 'Available') this.runQueuesOf(ev.tenantId, agent.id);
  }

  async agentChanged(change: AgentChangeLike): Promise<void> {
    if (!this.deps.mirror.apply(change)) return;
    if (change.state === 'available') this.runQueuesOf(change.tenantId, change.agentId);
  }

  /**
   * Runs the queues with someone waiting that the agent serves. Agents freed in a burst are
   * gathered and their queues run once per turn of the event loop, not once per agent.
   */
  runQueuesOf(tenantId: string, agentId: string): void {
    let agents = this.freed.get(tenantId);
    if (!agents) this.freed.set(tenantId, (agents = new Set()));
    agents.add(agentId);
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => void this.drainFreed());
  }

  private async drainFreed(): Promise<void> {
    try {
      while (this.freed.size > 0) {
        const batch = [...this.freed];
        this.freed.clear();
        await Promise.all(
          batch.map(async ([tenantId, agents]) => {
            const dir = this.deps.directory(tenantId);
            if (!dir) return;
            const active = new Set(await this.deps.interactions.activeQueues(tenantId));
            const queues = new Set<string>();
            for (const agentId of agents)
              for (const queueId of dir.queuesOfAgent(agentId))
                if (active.has(queueId)) queues.add(queueId);
            await Promise.all([...queues].map((q) => this.run(tenantId, q)));
          }),
        );
      }
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'queue runs for freed agents failed');
    } finally {
      this.draining = false;
    }
  }
}
