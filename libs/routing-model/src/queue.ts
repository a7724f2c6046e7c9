// Queue configuration as the API stores it and the routing service runs it (docs/routing.md#selection).
import { z } from 'zod';

const id = z.string().min(1).max(128);

export const skillRequirement = z.strictObject({
  skillId: id,
  minLevel: z.number().int().min(1).max(5),
});
export type SkillRequirement = z.output<typeof skillRequirement>;

const skillSet = z.array(skillRequirement).max(20);

export const escalationStep = z.strictObject({
  afterSeconds: z.number().int().min(1).max(86_400),
  /** Replaces the queue's requirements once the interaction has waited `afterSeconds`. */
  requiredSkills: skillSet,
});
export type EscalationStep = z.output<typeof escalationStep>;

export const routingMethod = z.enum([
  'longest-idle',
  'round-robin',
  'serial',
  'ring-all',
  'most-proficient',
]);
export type RoutingMethod = z.output<typeof routingMethod>;

export const overflowAction = z
  .strictObject({
    kind: z.enum(['queue', 'number', 'teams-user', 'voicemail', 'disconnect']),
    /** Queue id, E.164 number or Teams user id; a mailbox id for voicemail (optional). */
    target: z.string().min(1).max(256).optional(),
    /** Prompt (media file id) played before the action. */
    prompt: z.string().min(1).max(256).optional(),
  })
  .refine((o) => o.target !== undefined || o.kind === 'voicemail' || o.kind === 'disconnect', {
    message: 'queue, number and teams-user overflow need a target',
    path: ['target'],
  });
export type OverflowAction = z.output<typeof overflowAction>;

const clock = /^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;
const timeOfDay = z.string().regex(clock, 'HH:MM, 00:00 to 24:00');

export const openingRange = z
  .strictObject({ from: timeOfDay, to: timeOfDay })
  .refine((r) => r.from < r.to, { message: 'from must be before to (same day)', path: ['to'] });
export type OpeningRange = z.output<typeof openingRange>;

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

const day = z.array(openingRange).max(10).default([]);

function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const businessHours = z.strictObject({
  timeZone: z.string().min(1).max(64).refine(knownTimeZone, 'an IANA time zone'),
  weekly: z.strictObject({
    mon: day,
    tue: day,
    wed: day,
    thu: day,
    fri: day,
    sat: day,
    sun: day,
  }),
  /** Local dates (in `timeZone`) on which the queue is closed all day. */
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'))
    .max(366)
    .default([]),
});
export type BusinessHours = z.output<typeof businessHours>;

export const queueConfig = z
  .strictObject({
    id,
    method: routingMethod,
    requiredSkills: skillSet.default([]),
    escalation: z.array(escalationStep).max(10).default([]),
    /** Added to an interaction's priority per whole minute it has waited. */
    priorityAgingPerMinute: z.number().min(0).max(1000).default(0),
    maxSize: z.number().int().min(1).max(100_000),
    maxWaitSeconds: z.number().int().min(1).max(86_400),
    overflow: overflowAction,
    /** Absent: open around the clock. */
    hours: businessHours.optional(),
    offerTimeoutSeconds: z.number().int().min(1).max(600).default(20),
    wrapUpSeconds: z.number().int().min(0).max(3600).default(0),
    presenceAware: z.boolean().default(true),
    /** Service level counts answers within this many seconds of entering the queue. */
    serviceLevelSeconds: z.number().int().min(1).max(3600).default(20),
    /** Agent ids in offer order for the serial method. */
    serialOrder: z.array(id).max(10_000).optional(),
  })
  .refine((q) => q.method !== 'serial' || (q.serialOrder?.length ?? 0) > 0, {
    message: 'the serial method needs serialOrder',
    path: ['serialOrder'],
  });
export type QueueConfig = z.output<typeof queueConfig>;
