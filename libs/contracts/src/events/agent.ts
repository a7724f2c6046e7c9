import { z } from 'zod';

/** Contact-center state as routing derives it (docs/routing.md#reservations). */
export const agentState = z.enum([
  'logged-out',
  'available',
  'not-ready',
  'reserved',
  'busy',
  'wrap-up',
]);
export const teamsAvailability = z.enum([
  'Available',
  'AvailableIdle',
  'Away',
  'BeRightBack',
  'Busy',
  'BusyIdle',
  'DoNotDisturb',
  'Offline',
  'PresenceUnknown',
]);
export const teamsActivity = z.string().min(1);

export const agentEvents = {
  'agent.state-changed': {
    version: 2,
    callScoped: false,
    description:
      'An agent changed contact-center state (by hand, or by routing: offered, accepted, ended, auto-paused).',
    data: z.object({
      agentId: z.string().min(1),
      state: agentState,
      previous: agentState.optional(),
      /** Not-ready reason (`missed-offers` after auto-pause), or why routing changed the state. */
      reason: z.string().optional(),
      /** Grows by one on every change of this agent: a consumer keeps the highest it has seen. */
      version: z.number().int().nonnegative(),
    }),
  },
  'presence.changed': {
    version: 1,
    callScoped: false,
    description: 'Teams presence of a user changed (from Graph notifications or polling).',
    data: z.object({
      userId: z.string().min(1),
      availability: teamsAvailability,
      activity: teamsActivity,
      agentId: z.string().optional(),
      /** How presence sync learned it: a Graph change notification or a poll. */
      source: z.enum(['notification', 'poll']).optional(),
      /** Graph's sequenceNumber of this presence, when Graph gave one. */
      sequence: z.string().optional(),
    }),
  },
  'presence.publish-requested': {
    version: 1,
    callScoped: false,
    description: 'Contact-center state should be reflected into Teams (setPresence).',
    data: z.object({
      userId: z.string().min(1),
      availability: teamsAvailability,
      activity: teamsActivity,
      expirationDuration: z.string().regex(/^PT\d+[MH]$/),
    }),
  },
} as const;
