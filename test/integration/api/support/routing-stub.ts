import type { CommandName, CommandReply, CommandRequest } from '@ccx/contracts';
import type { EventBus, Subscription } from '@ccx/event-bus';
import { openTestBus } from '../../../support/bus';

/**
 * Plays the routing service on the test API's bus: answers the routing.* commands from a small
 * per-tenant world the test fills in, records every request, and says no the way the real one
 * does (libs/routing-engine/src/runtime/commands.ts): `not found: …` and `unknown-*` for objects
 * it does not know, `agent <id>: <code>` for state conflicts, free text in refusal replies.
 */
export interface RoutingWorld {
  /** reservationId → tenant; `expired-*` ids are refused as expired. */
  reservations: Map<string, string>;
  /** callId → tenant of the queued calls. */
  calls: Map<string, string>;
  /** `tenant/agentId` of agents on a call (setting them logged-out is refused). */
  busyAgents: Set<string>;
  /** Experts by tenant. */
  experts: Map<string, CommandReply<'routing.experts'>['experts']>;
  /** Makes the next command of that name fail with this reason (thrown by the handler). */
  failNext: Map<CommandName, string>;
}

export interface RoutingStub {
  world: RoutingWorld;
  requests: { name: CommandName; request: unknown }[];
  close(): Promise<void>;
}

const status = (agentId: string, state: CommandReply<'routing.agent-status'>['state']) => ({
  agentId,
  state,
  manualState: state === 'busy' ? ('available' as const) : ('logged-out' as const),
  active: { voice: state === 'busy' ? 1 : 0, chat: 0 },
  reserved: { voice: 0, chat: 0 },
  missedOffers: 0,
  version: 1,
  offers: [],
});

export const queueSnapshotOf = (queueId: string) => ({
  queueId,
  waiting: 2,
  callbacks: 0,
  longestWaitMs: 12_000,
  agents: { available: 1, busy: 1 },
  windowMs: 900_000,
  offered: 10,
  answered: 8,
  abandoned: 1,
  serviceLevelSeconds: 20,
  serviceLevel: 0.75,
  asaMs: 9_000,
  abandonmentRate: 1 / 9,
  at: new Date().toISOString(),
});

export async function startRoutingStub(prefix: string): Promise<RoutingStub> {
  const bus: EventBus = openTestBus({ prefix, source: 'routing' });
  const world: RoutingWorld = {
    reservations: new Map(),
    calls: new Map(),
    busyAgents: new Set(),
    experts: new Map(),
    failNext: new Map(),
  };
  const requests: RoutingStub['requests'] = [];
  const subscriptions: Subscription[] = [];

  async function handle<N extends CommandName>(
    name: N,
    answer: (req: CommandRequest<N>) => CommandReply<N>,
  ): Promise<void> {
    subscriptions.push(
      await bus.handleCommand(name, async (req) => {
        requests.push({ name, request: req });
        const failure = world.failNext.get(name);
        if (failure !== undefined) {
          world.failNext.delete(name);
          throw new Error(failure);
        }
        return answer(req);
      }),
    );
  }

  const ownCall = (tenantId: string, callId: string) => {
    if (world.calls.get(callId) !== tenantId) {
      throw new Error(`not found: no interaction for call ${callId}`);
    }
  };

  await handle('routing.agent-state', (req) => {
    const busy = world.busyAgents.has(`${req.tenantId}/${req.agentId}`);
    if (busy && req.state === 'logged-out') {
      throw new Error(`agent ${req.agentId}: invalid-transition`);
    }
    return {
      ...status(req.agentId, busy ? 'busy' : req.state),
      manualState: req.state,
      ...(req.reason ? { reason: req.reason } : {}),
    };
  });
  await handle('routing.agent-status', (req) =>
    status(
      req.agentId,
      world.busyAgents.has(`${req.tenantId}/${req.agentId}`) ? 'busy' : 'logged-out',
    ),
  );
  await handle('routing.offer-response', (req) => {
    if (world.reservations.get(req.reservationId) !== req.tenantId) {
      return { ok: false, reason: 'unknown-reservation' };
    }
    if (req.reservationId.startsWith('expired-')) return { ok: false, reason: 'expired' };
    return { ok: true };
  });
  await handle('routing.queue-stats', (req) => ({
    queues: req.queueId
      ? [queueSnapshotOf(req.queueId)]
      : [queueSnapshotOf('q-1'), queueSnapshotOf('q-2')],
  }));
  await handle('routing.experts', (req) => ({
    experts: (world.experts.get(req.tenantId) ?? []).filter((e) => e.topics.includes(req.topic)),
  }));
  await handle('routing.expert-transfer', (req) => {
    ownCall(req.tenantId, req.callId);
    const expert = (world.experts.get(req.tenantId) ?? []).find(
      (e) => e.reachable && e.topics.includes(req.topic),
    );
    if (expert) return { accepted: true, expertId: expert.expertId, usedFallback: false };
    if (req.fallback) return { accepted: true, usedFallback: true };
    return {
      accepted: false,
      usedFallback: false,
      reason: `no expert on "${req.topic}" is available`,
    };
  });
  await handle('routing.callback', (req) => {
    ownCall(req.tenantId, req.callId);
    return { accepted: true, interactionId: `i-${req.callId}`, position: 3 };
  });

  return {
    world,
    requests,
    async close() {
      await Promise.all(subscriptions.map((s) => s.close()));
      await bus.close();
    },
  };
}
