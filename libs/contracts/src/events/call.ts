import { z } from 'zod';
import { e164 } from '../envelope';

const party = z.object({
  uri: z.string().min(1),
  number: e164.optional(),
  displayName: z.string().optional(),
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
    description: 'The call ended; carries the final duration.',
    data: z.object({
      reason: callEndReason,
      sipStatus: z.number().int().min(100).max(699).optional(),
      durationMs: z.number().int().nonnegative(),
    }),
  },
} as const;
