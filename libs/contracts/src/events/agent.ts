import { z } from 'zod';

export const agentState = z.enum(['offline', 'available', 'busy', 'wrap-up', 'away', 'break']);
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
    version: 1,
    callScoped: false,
    description: 'An agent changed contact-center state (manually, by routing or by presence).',
    data: z.object({
      agentId: z.string().min(1),
      state: agentState,
      previous: agentState.optional(),
      reason: z.string().optional(),
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
