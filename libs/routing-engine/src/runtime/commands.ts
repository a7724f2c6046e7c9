// The routing.* commands (sent by the API's runtime endpoints): agent state, offers, queue
// statistics, the expert directory with live presence, expert transfer and callbacks.
import { teamsAvailability, type CommandReply, type CommandRequest } from '@ccx/contracts';
import { readPresence } from '@ccx/event-bus';
import type { AgentLive } from '../reservations/types';
import { sbcOptions, type RuntimeDeps } from './deps';
import type { Router } from './router';
import { queueSnapshot } from './snapshot';

/** A refusal the API maps to 404 (`not found: …`) or 409 (anything else). */
export class RoutingRefusal extends Error {}

type Availability = CommandReply<'routing.experts'>['experts'][number]['availability'];
/** Teams availability as the contracts know it; anything else is PresenceUnknown. */
const availability = (p: string | undefined): Availability => {
  const known = teamsAvailability.safeParse(p);
  return known.success ? known.data : 'PresenceUnknown';
};

export class RoutingCommands {
  constructor(
    private readonly deps: RuntimeDeps,
    private readonly router: Router,
    /** The bus prefix, where the presence register lives. */
    private readonly busPrefix: string,
  ) {}

  private dir(tenantId: string) {
    const dir = this.deps.directory(tenantId);
    if (!dir)
      throw new RoutingRefusal(`not found: tenant ${tenantId} has no routing configuration`);
    return dir;
  }

  private status(live: AgentLive): CommandReply<'routing.agent-status'> {
    return {
      agentId: live.agentId,
      state: live.state,
      manualState: live.manualState,
      ...(live.reason ? { reason: live.reason } : {}),
      ...(live.presence ? { presence: availability(live.presence) } : {}),
      active: live.active,
      reserved: live.reserved,
      missedOffers: live.missedOffers,
      version: live.version,
      offers: live.reservations.map((r) => ({
        reservationId: r.reservationId,
        interactionId: r.interactionId,
        expiresAt: new Date(r.deadline).toISOString(),
      })),
    };
  }

  async agentState(
    req: CommandRequest<'routing.agent-state'>,
  ): Promise<CommandReply<'routing.agent-state'>> {
    const entry = this.dir(req.tenantId).agents.get(req.agentId);
    if (!entry) throw new RoutingRefusal(`not found: no agent ${req.agentId}`);
    const known = await this.deps.reservations.getAgent(req.tenantId, req.agentId);
    // A presence event handled before the agent's first sign-in (perhaps by another replica)
    // reached no agent record: the bus's presence register still has it.
    const user = entry.teamsUserId;
    const registered = user
      ? (await readPresence(this.deps.redis, this.busPrefix, req.tenantId, [user])).get(user)
      : undefined;
    const result = await this.deps.reservations.setAgent(req.tenantId, req.agentId, {
      state: req.state,
      capacity: { voice: entry.phoneNumber ? entry.capacity.voice : 0, chat: entry.capacity.chat },
      presence:
        registered?.availability ||
        known?.presence ||
        this.deps.mirror.get(req.tenantId, req.agentId).presence ||
        '',
      ...(req.reason ? { reason: req.reason } : {}),
      ...(entry.teamsUserId ? { teamsUserId: entry.teamsUserId } : {}),
    });
    if (!result.ok) throw new RoutingRefusal(`agent ${req.agentId}: ${result.reason}`);
    const live = await this.deps.reservations.getAgent(req.tenantId, req.agentId);
    if (!live) throw new RoutingRefusal(`not found: no agent ${req.agentId}`);
    return this.status(live);
  }

  async agentStatus(
    req: CommandRequest<'routing.agent-status'>,
  ): Promise<CommandReply<'routing.agent-status'>> {
    if (!this.dir(req.tenantId).agents.has(req.agentId))
      throw new RoutingRefusal(`not found: no agent ${req.agentId}`);
    const live = await this.deps.reservations.getAgent(req.tenantId, req.agentId);
    if (live) return this.status(live);
    return {
      agentId: req.agentId,
      state: 'logged-out',
      manualState: 'logged-out',
      active: { voice: 0, chat: 0 },
      reserved: { voice: 0, chat: 0 },
      missedOffers: 0,
      version: 0,
      offers: [],
    };
  }

  async offerResponse(
    req: CommandRequest<'routing.offer-response'>,
  ): Promise<CommandReply<'routing.offer-response'>> {
    const offer = await this.deps.reservations.getReservation(req.tenantId, req.reservationId);
    if (!offer) return { ok: false, reason: 'unknown-reservation' };
    if (offer.status !== 'open') return { ok: false, reason: offer.status };
    const rec = await this.deps.interactions.get(req.tenantId, offer.interactionId);
    if (!rec) return { ok: false, reason: 'unknown-interaction' };
    if (!req.accept) {
      await this.router.offers.close(req.tenantId, rec.id, req.reservationId, 'rejected');
      return { ok: true };
    }
    if (!(await this.router.accept(rec, req.reservationId)))
      return { ok: false, reason: 'not-open' };
    // Ring-all: the call is connected to the agent who accepted.
    const queue = rec.queueId
      ? this.deps.directory(req.tenantId)?.queues.get(rec.queueId)?.config
      : undefined;
    if (queue?.method === 'ring-all')
      await this.router.offers.ring(req.tenantId, queue, rec, offer.agentId, req.reservationId);
    return { ok: true };
  }

  async queueStats(
    req: CommandRequest<'routing.queue-stats'>,
  ): Promise<CommandReply<'routing.queue-stats'>> {
    const dir = this.dir(req.tenantId);
    if (req.queueId && !dir.queues.has(req.queueId))
      throw new RoutingRefusal(`not found: no queue ${req.queueId}`);
    const ids = req.queueId ? [req.queueId] : [...dir.queues.keys()];
    const now = this.deps.now();
    return { queues: await Promise.all(ids.map((id) => queueSnapshot(this.deps, dir, id, now))) };
  }

  async experts(req: CommandRequest<'routing.experts'>): Promise<CommandReply<'routing.experts'>> {
    const dir = this.dir(req.tenantId);
    const experts = dir.expertsFor(req.topic);
    const presence = await readPresence(
      this.deps.redis,
      this.busPrefix,
      req.tenantId,
      experts.map((e) => e.userId),
    );
    const listed = experts.map((e) => {
      const a = availability(presence.get(e.userId)?.availability);
      return {
        expertId: e.id,
        displayName: e.displayName,
        userId: e.userId,
        topics: e.topics,
        availability: a,
        reachable: a === 'Available' || a === 'AvailableIdle',
      };
    });
    listed.sort(
      (x, y) =>
        Number(y.reachable) - Number(x.reachable) || x.displayName.localeCompare(y.displayName),
    );
    return { experts: listed };
  }

  async expertTransfer(
    req: CommandRequest<'routing.expert-transfer'>,
  ): Promise<CommandReply<'routing.expert-transfer'>> {
    const { experts } = await this.experts({ tenantId: req.tenantId, topic: req.topic });
    const expert = experts.find((e) => e.reachable);
    const entry = expert && this.dir(req.tenantId).experts.find((e) => e.id === expert.expertId);
    const rec = await this.deps.interactions.byCall(req.tenantId, req.callId);
    if (!rec) throw new RoutingRefusal(`not found: no call ${req.callId} known to routing`);
    const transfer = async (target: CommandRequest<'sbc.transfer'>['target']) =>
      this.deps.bus.command(
        'sbc.transfer',
        {
          tenantId: req.tenantId,
          requestId: req.requestId,
          callId: req.callId,
          kind: 'blind',
          target,
        },
        sbcOptions(this.deps, rec),
      );
    if (entry) {
      const reply = await transfer({ kind: 'teams-user', number: entry.phoneNumber });
      if (reply.accepted) return { accepted: true, expertId: entry.id, usedFallback: false };
    }
    if (req.fallback) {
      const reply = await transfer(req.fallback);
      return {
        accepted: reply.accepted,
        usedFallback: true,
        ...(reply.accepted ? {} : { reason: reply.reason ?? 'the SBC refused the transfer' }),
      };
    }
    return {
      accepted: false,
      usedFallback: false,
      reason:
        experts.length === 0
          ? `no expert on "${req.topic}"`
          : `no expert on "${req.topic}" is available`,
    };
  }

  async callback(
    req: CommandRequest<'routing.callback'>,
  ): Promise<CommandReply<'routing.callback'>> {
    const rec = await this.deps.interactions.byCall(req.tenantId, req.callId);
    if (!rec) throw new RoutingRefusal(`not found: no interaction for call ${req.callId}`);
    const number = req.number ?? rec.caller;
    if (!number) return { accepted: false, reason: 'no number to call back' };
    if (rec.state !== 'waiting' || !rec.queueId)
      return { accepted: false, reason: `the call is ${rec.state}, not waiting in a queue` };
    // The interaction keeps its place; it no longer has a live call until the callback.
    const previous = await this.deps.interactions.transition(req.tenantId, rec.id, ['waiting'], {
      callbackNumber: number,
      callId: '',
    });
    if (previous !== 'waiting') return { accepted: false, reason: `the call is ${previous}` };
    const position = await this.deps.interactions.position(req.tenantId, rec.queueId, rec.id);
    await this.deps.bus.publish('interaction.callback-requested', {
      tenantId: req.tenantId,
      callId: rec.id,
      data: {
        interactionId: rec.id,
        queueId: rec.queueId,
        number,
        position: Math.max(1, position),
      },
    });
    // The place is kept whatever happens to the call now: a hang-up the SBC does not confirm
    // is logged, and the caller's own hang-up (or the SBC's timer) ends the call anyway.
    try {
      await this.deps.bus.command(
        'sbc.hangup',
        { tenantId: req.tenantId, requestId: req.requestId, callId: req.callId, q850Cause: 16 },
        sbcOptions(this.deps, rec),
      );
    } catch (err) {
      this.deps.log.warn(
        { tenantId: req.tenantId, callId: req.callId, err: String(err) },
        'callback: the SBC did not confirm the hang-up',
      );
    }
    return { accepted: true, interactionId: rec.id, position: Math.max(1, position) };
  }
}
