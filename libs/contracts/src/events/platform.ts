import { z } from 'zod';

export const trunkState = z.enum(['up', 'degraded', 'down']);
export const configResource = z.enum([
  'tenant',
  'api-key',
  'site',
  'trunk',
  'number-range',
  'queue',
  'agent',
  'skill',
  'webhook',
  'flow',
  'expert',
]);

export const platformEvents = {
  'trunk.status-changed': {
    version: 1,
    callScoped: false,
    description: 'A trunk peer changed health (SIP OPTIONS answers, failures).',
    data: z.object({
      trunkId: z.string().min(1),
      state: trunkState,
      previous: trunkState.optional(),
      peer: z.string().optional(),
      detail: z.string().optional(),
    }),
  },
  'config.changed': {
    version: 1,
    callScoped: false,
    description: 'A configuration object was created, updated or deleted through the API.',
    data: z.object({
      resource: configResource,
      id: z.string().min(1),
      action: z.enum(['created', 'updated', 'deleted']),
      revision: z.number().int().nonnegative(),
    }),
  },
  'media.worker-status': {
    version: 1,
    callScoped: false,
    description: 'A media worker announces its capacity and load.',
    data: z.object({
      workerId: z.string().min(1),
      /** Sessions this worker accepts (bounded by its port range and configuration). */
      capacity: z.number().int().nonnegative(),
      activeSessions: z.number().int().nonnegative(),
      transcodingSessions: z.number().int().nonnegative().default(0),
      /** Share of one core used by the worker's process since the last status (0..n). */
      cpu: z.number().min(0),
      /** Milliseconds until the next status; a worker silent for longer than ~3x is gone. */
      intervalMs: z.number().int().positive().default(2000),
      draining: z.boolean().default(false),
    }),
  },
  'media.dtmf-detected': {
    version: 1,
    callScoped: true,
    description: 'An RFC 4733 digit was seen on a leg (for virtual assistants).',
    data: z.object({
      leg: z.enum(['a', 'b']),
      digit: z.string().regex(/^[0-9*#A-D]$/),
      durationMs: z.number().int().nonnegative(),
    }),
  },
  'media.prompt-ended': {
    version: 1,
    callScoped: true,
    description: 'A prompt played into a leg finished, was barged in on by DTMF, or was stopped.',
    data: z.object({
      leg: z.enum(['a', 'b']),
      prompt: z.string().min(1),
      reason: z.enum(['completed', 'barge-in', 'stopped']),
      playedMs: z.number().int().nonnegative(),
    }),
  },
  'media.session-reaped': {
    version: 1,
    callScoped: true,
    description: 'A media session saw no packets for too long and was removed.',
    data: z.object({ sessionId: z.string().min(1), idleMs: z.number().int().nonnegative() }),
  },
  'webhook.endpoint-disabled': {
    version: 1,
    callScoped: false,
    description: 'A webhook subscription was disabled after persistent delivery failure.',
    data: z.object({
      subscriptionId: z.string().min(1),
      url: z.string(),
      failures: z.number().int(),
    }),
  },
} as const;
