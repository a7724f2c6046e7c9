import { z } from 'zod';
import { e164, tenantId } from '../envelope';
import { agentState, teamsAvailability } from '../events/agent';
import { queueSnapshot } from '../events/queue';
import { callId, callTarget, requestId } from './common';

const agentId = z.string().min(1).max(128);
const perChannel = z.object({
  voice: z.number().int().nonnegative(),
  chat: z.number().int().nonnegative(),
});

/** An agent's live routing state (docs/routing.md#reservations). */
export const agentStatus = z.object({
  agentId,
  /** What the agent is doing now: busy, reserved, wrap-up, or the state set by hand. */
  state: agentState,
  /** The state set by hand (or by auto-pause): logged-out, available or not-ready. */
  manualState: z.enum(['logged-out', 'available', 'not-ready']),
  reason: z.string().optional(),
  presence: teamsAvailability.optional(),
  active: perChannel,
  reserved: perChannel,
  missedOffers: z.number().int().nonnegative(),
  version: z.number().int().nonnegative(),
  offers: z.array(
    z.object({
      reservationId: z.string(),
      interactionId: z.string(),
      expiresAt: z.iso.datetime({ offset: true }),
    }),
  ),
});

export const expertListing = z.object({
  expertId: z.string(),
  displayName: z.string(),
  userId: z.string(),
  topics: z.array(z.string()),
  availability: teamsAvailability,
  /** Presence Available (or AvailableIdle) and a number to call: a transfer would be tried. */
  reachable: z.boolean(),
});

/** Commands the routing service answers (the API's runtime endpoints send them). */
export const routingCommands = {
  'routing.agent-state': {
    version: 1,
    handledBy: 'routing',
    description: 'Set an agent to logged-out, available or not-ready (with a reason).',
    request: z.object({
      tenantId,
      agentId,
      state: z.enum(['logged-out', 'available', 'not-ready']),
      reason: z.string().min(1).max(64).optional(),
    }),
    reply: agentStatus,
  },
  'routing.agent-status': {
    version: 1,
    handledBy: 'routing',
    description: "An agent's live state, counts and open offers.",
    request: z.object({ tenantId, agentId }),
    reply: agentStatus,
  },
  'routing.offer-response': {
    version: 1,
    handledBy: 'routing',
    description:
      'Accept or reject an offer made to an agent (chat and callbacks; voice offers are accepted by answering).',
    request: z.object({
      tenantId,
      reservationId: z.string().min(1),
      accept: z.boolean(),
    }),
    reply: z.object({ ok: z.boolean(), reason: z.string().optional() }),
  },
  'routing.queue-stats': {
    version: 1,
    handledBy: 'routing',
    description: "Live statistics of one queue, or of all the tenant's queues.",
    request: z.object({ tenantId, queueId: z.string().min(1).optional() }),
    reply: z.object({ queues: z.array(queueSnapshot) }),
  },
  'routing.experts': {
    version: 1,
    handledBy: 'routing',
    description: 'Experts tagged with a topic, with their live Teams presence, reachable first.',
    request: z.object({ tenantId, topic: z.string().min(1).max(64) }),
    reply: z.object({ experts: z.array(expertListing) }),
  },
  'routing.expert-transfer': {
    version: 1,
    handledBy: 'routing',
    description:
      'Transfer a call to a reachable expert on a topic (presence Available); else to the fallback, else refuse.',
    request: z.object({
      tenantId,
      requestId,
      callId,
      topic: z.string().min(1).max(64),
      fallback: callTarget.optional(),
    }),
    reply: z.object({
      accepted: z.boolean(),
      expertId: z.string().optional(),
      usedFallback: z.boolean(),
      reason: z.string().optional(),
    }),
  },
  'routing.callback': {
    version: 1,
    handledBy: 'routing',
    description:
      'The caller of a queued call leaves to be called back on a number; the interaction keeps its place.',
    request: z.object({ tenantId, requestId, callId, number: e164.optional() }),
    reply: z.object({
      accepted: z.boolean(),
      interactionId: z.string().optional(),
      position: z.number().int().positive().optional(),
      reason: z.string().optional(),
    }),
  },
} as const;
