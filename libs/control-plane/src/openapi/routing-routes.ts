import { z } from 'zod';
import { erlangCRequestSchema, erlangCResultSchema } from '../routing/erlang-c';
import { queueIntervalsQuerySchema, queueIntervalsSchema } from '../routing/queue-intervals';
import {
  agentStateBodySchema,
  agentStatusSchema,
  callbackBodySchema,
  callbackSchema,
  callParams,
  expertSearchQuerySchema,
  expertSearchSchema,
  expertTransferBodySchema,
  expertTransferSchema,
  offerResponseSchema,
  queueStatsListSchema,
  queueStatsSchema,
  reservationParams,
} from '../routing/routing-runtime.schemas';
import { idParams, named, type OpenAPIRegistry, registerRoute } from './routes';

const read = { kind: 'tenant', scope: 'config:read' } as const;
const write = { kind: 'tenant', scope: 'config:write' } as const;
const tag = 'Routing';
/** Every runtime route may meet a routing service that fails (502) or does not answer (503). */
const upstream = [502, 503];

const requestIdHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      description:
        "Sent to the routing service as the command's request id: a retry with the same key " +
        'is the same request there (nothing is stored by the API). Default: a new UUID.',
    }),
});

function registerErlangC(registry: OpenAPIRegistry): void {
  registerRoute(registry, {
    method: 'post',
    path: '/v1/erlang-c',
    access: read,
    tag,
    operationId: 'computeErlangC',
    summary:
      'Erlang C staffing: agents needed for a service-level target, or the figures of a staffing',
    description:
      'With `targetServiceLevel`: the fewest agents meeting it (and `maxOccupancy`), with the ' +
      'figures at that staffing. With `agents`: the figures of that staffing. Pure maths; ' +
      'nothing is stored. 100 calls in 1800 s, AHT 180 s, 80 % in 20 s → 14 agents.',
    body: named('ErlangCRequest', erlangCRequestSchema),
    response: {
      status: 200,
      description: 'The staffing figures',
      schema: named('ErlangCResult', erlangCResultSchema),
    },
  });
}

function registerAgents(registry: OpenAPIRegistry): void {
  const status = named('AgentStatus', agentStatusSchema);
  registerRoute(registry, {
    method: 'put',
    path: '/v1/agents/{id}/state',
    access: write,
    tag,
    operationId: 'setAgentState',
    summary: "Set an agent's state: logged-out, available or not-ready (with a reason)",
    params: idParams,
    body: named('AgentStateChange', agentStateBodySchema),
    problems: [409, ...upstream],
    response: { status: 200, description: 'The agent’s live status', schema: status },
  });
  registerRoute(registry, {
    method: 'get',
    path: '/v1/agents/{id}/status',
    access: read,
    tag,
    operationId: 'getAgentStatus',
    summary: "An agent's live state, counts per channel and open offers",
    params: idParams,
    problems: upstream,
    response: { status: 200, description: 'The agent’s live status', schema: status },
  });
}

function registerOffers(registry: OpenAPIRegistry): void {
  for (const [action, operationId, summary] of [
    [
      'accept',
      'acceptOffer',
      'Accept an offer (chat and callbacks; voice is accepted by answering)',
    ],
    ['reject', 'rejectOffer', 'Reject an offer (counts as a missed offer)'],
  ] as const) {
    registerRoute(registry, {
      method: 'post',
      path: `/v1/offers/{reservationId}/${action}`,
      access: write,
      tag,
      operationId,
      summary,
      params: reservationParams,
      problems: [409, ...upstream],
      response: {
        status: 200,
        description: 'Done',
        schema: named('OfferResponse', offerResponseSchema),
      },
    });
  }
}

function registerQueueStats(registry: OpenAPIRegistry): void {
  const stats = named('QueueStats', queueStatsSchema);
  registerRoute(registry, {
    method: 'get',
    path: '/v1/queues/{id}/stats',
    access: read,
    tag,
    operationId: 'getQueueStats',
    summary: "A queue's live statistics",
    params: idParams,
    problems: upstream,
    response: { status: 200, description: 'The live figures', schema: stats },
  });
  registerRoute(registry, {
    method: 'get',
    path: '/v1/queue-stats',
    access: read,
    tag,
    operationId: 'listQueueStats',
    summary: "Live statistics of all the tenant's queues",
    problems: [400, ...upstream],
    response: {
      status: 200,
      description: 'The live figures per queue',
      schema: named('QueueStatsList', queueStatsListSchema),
    },
  });
  registerRoute(registry, {
    method: 'get',
    path: '/v1/queues/{id}/intervals',
    access: read,
    tag,
    operationId: 'listQueueIntervals',
    summary: "A queue's historical statistics by 15-minute interval",
    description:
      'Rows written by the routing service, with service level, ASA, AHT and occupancy derived ' +
      'from them (null where the denominator is 0). At most 31 days per request. History ' +
      'outlives a deleted queue.',
    params: idParams,
    query: queueIntervalsQuerySchema,
    response: {
      status: 200,
      description: 'The intervals in time order',
      schema: named('QueueIntervals', queueIntervalsSchema),
    },
  });
}

function registerExperts(registry: OpenAPIRegistry): void {
  registerRoute(registry, {
    method: 'get',
    path: '/v1/expert-search',
    access: read,
    tag,
    operationId: 'searchExperts',
    summary: 'Experts on a topic with their live Teams presence, reachable first',
    query: expertSearchQuerySchema,
    problems: upstream,
    response: {
      status: 200,
      description: 'The experts',
      schema: named('ExpertSearch', expertSearchSchema),
    },
  });
  registerRoute(registry, {
    method: 'post',
    path: '/v1/calls/{callId}/expert-transfer',
    access: write,
    tag,
    operationId: 'transferToExpert',
    summary: 'Transfer a call to a reachable expert on a topic, else to the fallback',
    description: 'Refused (409) when no expert is reachable and there is no fallback.',
    params: callParams,
    headers: requestIdHeader,
    body: named('ExpertTransferRequest', expertTransferBodySchema),
    problems: [409, ...upstream],
    response: {
      status: 200,
      description: 'The transfer is under way',
      schema: named('ExpertTransfer', expertTransferSchema),
    },
  });
  registerRoute(registry, {
    method: 'post',
    path: '/v1/calls/{callId}/callback',
    access: write,
    tag,
    operationId: 'requestCallback',
    summary: 'The caller of a queued call leaves to be called back, keeping their place',
    params: callParams,
    headers: requestIdHeader,
    body: named('CallbackRequest', callbackBodySchema),
    problems: [409, ...upstream],
    response: {
      status: 200,
      description: 'The callback is queued',
      schema: named('Callback', callbackSchema),
    },
  });
}

/** Erlang C and the runtime routes of the routing service (docs/api.md#routing). */
export function registerRouting(registry: OpenAPIRegistry): void {
  registerErlangC(registry);
  registerAgents(registry);
  registerOffers(registry);
  registerQueueStats(registry);
  registerExperts(registry);
}
