import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CommandName, CommandReply, CommandRequestInput } from '@ccx/contracts';
import type { EventBus } from '@ccx/event-bus';
import { agents, queues } from '@ccx/persistence';
import { isValidIdempotencyKey } from '../idempotency/fingerprint';
import type { TenantScope } from '../persistence/tenant-scope';
import { ApiProblem, fieldProblem } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';
import { problemFromCommandError, problemFromRefusal, routingUnavailable } from './routing-errors';
import {
  agentStateBodySchema,
  callbackBodySchema,
  callParams,
  expertSearchQuerySchema,
  expertTransferBodySchema,
  reservationParams,
  type agentStatusSchema,
  type callbackSchema,
  type expertSearchSchema,
  type expertTransferSchema,
  type offerResponseSchema,
  type queueStatsListSchema,
  type queueStatsSchema,
} from './routing-runtime.schemas';

/** How long the API waits for the routing service before answering 503. */
export const ROUTING_COMMAND_TIMEOUT_MS = 2_000;

/** The longest request id the routing commands take; longer keys are hashed to fit. */
const MAX_REQUEST_ID = 128;

type Out<S extends z.ZodType> = z.output<S>;

/** GET routes without query parameters still refuse unknown ones (e.g. `?tenantId=`). */
const noQuery = z.strictObject({});

/**
 * The API's side of the routing service: validates the request, checks the objects the
 * tenant's configuration owns, sends one bus command and maps the reply or the error to an
 * HTTP answer (docs/api.md#routing-runtime). The tenant is always the caller's scope.
 */
export class RoutingRuntime {
  constructor(private readonly bus: EventBus | undefined) {}

  async setAgentState(
    scope: TenantScope,
    agentId: string,
    body: unknown,
  ): Promise<Out<typeof agentStatusSchema>> {
    const input = parseOrThrow(agentStateBodySchema, body ?? {});
    await scope.require(agents, agentId, 'agent');
    return this.send('routing.agent-state', {
      tenantId: scope.tenantId,
      agentId,
      state: input.state,
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    });
  }

  async agentStatus(
    scope: TenantScope,
    agentId: string,
    query?: unknown,
  ): Promise<Out<typeof agentStatusSchema>> {
    parseOrThrow(noQuery, query ?? {});
    await scope.require(agents, agentId, 'agent');
    return this.send('routing.agent-status', { tenantId: scope.tenantId, agentId });
  }

  async respondToOffer(
    scope: TenantScope,
    reservationId: string,
    accept: boolean,
  ): Promise<Out<typeof offerResponseSchema>> {
    const params = parseOrThrow(reservationParams, { reservationId });
    const reply = await this.send('routing.offer-response', {
      tenantId: scope.tenantId,
      reservationId: params.reservationId,
      accept,
    });
    if (!reply.ok) throw problemFromRefusal(reply.reason ?? 'offer-refused');
    return { reservationId: params.reservationId, outcome: accept ? 'accepted' : 'rejected' };
  }

  async queueStats(
    scope: TenantScope,
    queueId: string,
    query?: unknown,
  ): Promise<Out<typeof queueStatsSchema>> {
    parseOrThrow(noQuery, query ?? {});
    await scope.require(queues, queueId, 'queue');
    const reply = await this.send('routing.queue-stats', { tenantId: scope.tenantId, queueId });
    const stats = reply.queues.find((q) => q.queueId === queueId);
    if (!stats) throw new ApiProblem('not-found', `the routing service has no queue "${queueId}"`);
    return stats;
  }

  async allQueueStats(
    scope: TenantScope,
    query?: unknown,
  ): Promise<Out<typeof queueStatsListSchema>> {
    parseOrThrow(noQuery, query ?? {});
    return this.send('routing.queue-stats', { tenantId: scope.tenantId });
  }

  async experts(scope: TenantScope, query: unknown): Promise<Out<typeof expertSearchSchema>> {
    const { topic } = parseOrThrow(expertSearchQuerySchema, query ?? {});
    const reply = await this.send('routing.experts', { tenantId: scope.tenantId, topic });
    return { topic, experts: reply.experts };
  }

  async expertTransfer(
    scope: TenantScope,
    callId: string,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<Out<typeof expertTransferSchema>> {
    const params = parseOrThrow(callParams, { callId });
    const input = parseOrThrow(expertTransferBodySchema, body ?? {});
    const reply = await this.send('routing.expert-transfer', {
      tenantId: scope.tenantId,
      requestId: requestIdOf(idempotencyKey),
      callId: params.callId,
      topic: input.topic,
      ...(input.fallback ? { fallback: input.fallback } : {}),
    });
    if (!reply.accepted) throw problemFromRefusal(reply.reason ?? 'no-reachable-expert');
    return {
      ...(reply.expertId !== undefined ? { expertId: reply.expertId } : {}),
      usedFallback: reply.usedFallback,
    };
  }

  async callback(
    scope: TenantScope,
    callId: string,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<Out<typeof callbackSchema>> {
    const params = parseOrThrow(callParams, { callId });
    const input = parseOrThrow(callbackBodySchema, body ?? {});
    const reply = await this.send('routing.callback', {
      tenantId: scope.tenantId,
      requestId: requestIdOf(idempotencyKey),
      callId: params.callId,
      ...(input.number !== undefined ? { number: input.number } : {}),
    });
    if (!reply.accepted) throw problemFromRefusal(reply.reason ?? 'callback-refused');
    return {
      ...(reply.interactionId !== undefined ? { interactionId: reply.interactionId } : {}),
      ...(reply.position !== undefined ? { position: reply.position } : {}),
    };
  }

  private async send<N extends CommandName>(
    name: N,
    request: CommandRequestInput<N>,
  ): Promise<CommandReply<N>> {
    if (!this.bus) throw routingUnavailable();
    try {
      return await this.bus.command(name, request, { timeoutMs: ROUTING_COMMAND_TIMEOUT_MS });
    } catch (err) {
      throw problemFromCommandError(err);
    }
  }
}

/**
 * The request id of a routing command: the Idempotency-Key, so a retried request is the same
 * request to the routing service, else a fresh UUID.
 */
export function requestIdOf(idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  if (!isValidIdempotencyKey(idempotencyKey)) {
    throw fieldProblem('Idempotency-Key', '1 to 255 visible ASCII characters');
  }
  if (idempotencyKey.length <= MAX_REQUEST_ID) return idempotencyKey;
  return `sha256:${createHash('sha256').update(idempotencyKey).digest('hex')}`;
}
