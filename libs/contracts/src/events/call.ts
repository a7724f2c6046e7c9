import { z } from 'zod';
import { e164 } from '../envelope';

const party = z.object({
  uri: z.string().min(1),
  number: e164.optional(),
  displayName: z.string().optional(),
});

const isoTime = z.iso.datetime({ offset: true });

/** What the SBC records about each call when it ends (docs/sbc.md, "Call records"). */
export const callDetailRecord = z.object({
  direction: z.enum(['inbound', 'outbound']),
  from: z.string(),
  to: z.string(),
  /** Trunk (or Teams proxy) the call came in on, and the one it left by. */
  ingress: z.string().optional(),
  egress: z.string().optional(),
  startedAt: isoTime,
  answeredAt: isoTime.optional(),
  endedAt: isoTime,
  /** Answer to end; 0 for unanswered calls. */
  billableMs: z.number().int().nonnegative(),
  endedBy: z.enum(['caller', 'callee', 'system']),
  /** Next-hop attempts made (failover included). */
  attempts: z.number().int().nonnegative(),
  codec: z.enum(['PCMA', 'PCMU']).optional(),
  transcoded: z.boolean().optional(),
  mediaWorkerId: z.string().optional(),
});

export const callDirection = z.enum(['inbound', 'outbound']);
export const callEndReason = z.enum([
  'normal',
  'busy',
  'no-answer',
  'rejected',
  'cancelled',
  'failed',
  'transferred',
  'media-timeout',
]);

export const callEvents = {
  'call.offered': {
    version: 1,
    callScoped: true,
    description: 'A new call reached the SBC from a trunk or from Teams.',
    data: z.object({
      direction: callDirection,
      from: party,
      to: party,
      trunkId: z.string().optional(),
      siteId: z.string().optional(),
      /** The SBC instance holding the call: `sbc.*` commands about it go to this target. */
      sbcId: z.string().optional(),
      /** The SIP Call-ID of the call's first leg, for tracing. */
      sipCallId: z.string().optional(),
    }),
  },
  'call.ringing': {
    version: 1,
    callScoped: true,
    description: 'The called side is alerting (180/183).',
    data: z.object({ earlyMedia: z.boolean() }),
  },
  'call.answered': {
    version: 1,
    callScoped: true,
    description: 'The call was answered (200 OK / ACK).',
    data: z.object({ answeredBy: party.optional(), codec: z.enum(['PCMA', 'PCMU']).optional() }),
  },
  'call.held': {
    version: 1,
    callScoped: true,
    description: 'One side put the call on hold (a=inactive / sendonly).',
    data: z.object({ by: z.enum(['caller', 'callee']) }),
  },
  'call.resumed': {
    version: 1,
    callScoped: true,
    description: 'A held call was resumed.',
    data: z.object({ by: z.enum(['caller', 'callee']) }),
  },
  'call.transferred': {
    version: 1,
    callScoped: true,
    description: 'The call was transferred (REFER or Graph transfer).',
    data: z.object({ target: party, kind: z.enum(['blind', 'attended']) }),
  },
  'call.ended': {
    version: 1,
    callScoped: true,
    description:
      'The call ended; carries the final duration, the Q.850 cause and, from the SBC, a CDR.',
    data: z.object({
      reason: callEndReason,
      sipStatus: z.number().int().min(100).max(699).optional(),
      durationMs: z.number().int().nonnegative(),
      /** ITU-T Q.850 cause value (16 normal clearing, 17 busy, 31 normal unspecified...); always set by the SBC. */
      q850Cause: z.number().int().min(0).max(127).optional(),
      /** The call detail record; always set by the SBC. */
      cdr: callDetailRecord.optional(),
    }),
  },
  'call.connect-failed': {
    version: 1,
    callScoped: true,
    description:
      'An `sbc.connect` attempt did not reach the target; the caller is still held, waiting for the next command.',
    data: z.object({
      /** The connect request this answers. */
      requestId: z.string().min(1),
      outcome: z.enum(['rejected', 'busy', 'no-answer', 'timeout', 'failed']),
      sipStatus: z.number().int().min(300).max(699).optional(),
    }),
  },
  'call.admission-rejected': {
    version: 1,
    callScoped: true,
    description:
      'A call was refused with 503 because a trunk or tenant was at its concurrent-call or bandwidth limit.',
    data: z.object({
      scope: z.enum(['trunk', 'tenant']),
      /** The trunk id, or the tenant id. */
      id: z.string().min(1),
      limit: z.enum(['calls', 'bandwidth']),
      inUse: z.number().nonnegative(),
      max: z.number().nonnegative(),
      /** Bandwidth the call would have used (kbit/s, both directions), for bandwidth refusals. */
      requestedKbps: z.number().nonnegative().optional(),
      sipStatus: z.number().int().min(400).max(699),
    }),
  },
} as const;
