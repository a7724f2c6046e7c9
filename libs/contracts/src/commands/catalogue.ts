import { z } from 'zod';
import { tenantId } from '../envelope';

const legStats = z.object({
  packetsIn: z.number().int().nonnegative(),
  packetsOut: z.number().int().nonnegative(),
  packetsLost: z.number().int().nonnegative(),
  jitterMs: z.number().nonnegative(),
  mos: z.number().min(1).max(5).optional(),
});

/**
 * Commands: requests to one service that expect one reply within a bounded wait.
 * Names are wire names (queue names); never rename one.
 */
export const commandCatalogue = {
  'media.offer': {
    version: 1,
    handledBy: 'media-worker',
    description: 'Create or update a media session from an SDP offer; returns the rewritten SDP.',
    request: z.object({
      tenantId,
      callId: z.string().min(1),
      fromTag: z.string().min(1),
      sdp: z.string().min(1),
    }),
    reply: z.object({
      sessionId: z.string().min(1),
      sdp: z.string().min(1),
      workerId: z.string().min(1),
    }),
  },
  'media.answer': {
    version: 1,
    handledBy: 'media-worker',
    description: 'Complete a media session with the SDP answer; returns the rewritten SDP.',
    request: z.object({
      tenantId,
      callId: z.string().min(1),
      toTag: z.string().min(1),
      sdp: z.string().min(1),
    }),
    reply: z.object({ sessionId: z.string().min(1), sdp: z.string().min(1) }),
  },
  'media.delete': {
    version: 1,
    handledBy: 'media-worker',
    description: 'Tear down the media session of a call.',
    request: z.object({ tenantId, callId: z.string().min(1) }),
    reply: z.object({ deleted: z.boolean() }),
  },
  'media.query': {
    version: 1,
    handledBy: 'media-worker',
    description: 'Per-leg statistics of a call.',
    request: z.object({ tenantId, callId: z.string().min(1) }),
    reply: z.object({ a: legStats, b: legStats }),
  },
  'media.play': {
    version: 1,
    handledBy: 'media-worker',
    description: 'Play a prompt into one leg, optionally stopping on DTMF.',
    request: z.object({
      tenantId,
      callId: z.string().min(1),
      leg: z.enum(['a', 'b']),
      prompt: z.string().min(1),
      bargeIn: z.boolean().default(true),
    }),
    reply: z.object({ playing: z.boolean() }),
  },
  'media.record': {
    version: 1,
    handledBy: 'media-worker',
    description: 'Start or stop recording a call to a stereo WAV.',
    request: z.object({ tenantId, callId: z.string().min(1), action: z.enum(['start', 'stop']) }),
    reply: z.object({ recording: z.boolean(), file: z.string().optional() }),
  },
  'system.ping': {
    version: 1,
    handledBy: 'any',
    description: 'Liveness probe between services; replies with who answered.',
    request: z.object({ tenantId, nonce: z.string().min(1) }),
    reply: z.object({ nonce: z.string().min(1), answeredBy: z.string().min(1) }),
  },
} as const;

export type CommandCatalogue = typeof commandCatalogue;
export type CommandName = keyof CommandCatalogue;
export type CommandRequest<N extends CommandName> = z.output<CommandCatalogue[N]['request']>;
export type CommandRequestInput<N extends CommandName> = z.input<CommandCatalogue[N]['request']>;
export type CommandReply<N extends CommandName> = z.output<CommandCatalogue[N]['reply']>;

export const commandNames = Object.keys(commandCatalogue) as CommandName[];

export function isCommandName(value: string): value is CommandName {
  return Object.prototype.hasOwnProperty.call(commandCatalogue, value);
}
