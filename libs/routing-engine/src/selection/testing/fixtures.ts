// Queues, agents and interactions for the selection unit tests, with a clock the test moves.
import { queueConfig, type Agent, type Interaction, type QueueConfig } from '../model';

/** 2026-06-01T10:00:00Z, a Monday. */
export const T0 = Date.UTC(2026, 5, 1, 10, 0, 0);

export function queue(input: Partial<QueueConfig> = {}): QueueConfig {
  return queueConfig.parse({
    id: 'q1',
    method: 'longest-idle',
    maxSize: 100,
    maxWaitSeconds: 3600,
    overflow: { kind: 'voicemail' },
    presenceAware: false,
    ...input,
  });
}

export function agent(id: string, input: Partial<Agent> = {}): Agent {
  return {
    id,
    skills: {},
    capacity: { voice: 1, chat: 3 },
    active: { voice: 0, chat: 0 },
    state: 'available',
    presence: 'Available',
    idleSince: T0 - 60_000,
    optOutQueues: [],
    missedOffers: 0,
    ...input,
  };
}

export function interaction(id: string, input: Partial<Interaction> = {}): Interaction {
  return {
    id,
    tenantId: 't1',
    queueId: 'q1',
    channel: 'voice',
    priority: 0,
    enqueuedAt: T0,
    ...input,
  };
}

/** A controllable clock: tests read `now()` and move it with `advance`. */
export class TestClock {
  constructor(private ms = T0) {}
  now(): number {
    return this.ms;
  }
  advance(seconds: number): number {
    this.ms += seconds * 1000;
    return this.ms;
  }
}
