// What the routing runtime runs on: the bus (events out, commands to the SBC), the Redis stores
// and each replica's in-memory configuration and agent mirror.
import type { Redis } from 'ioredis';
import type { EventBus } from '@ccx/event-bus';
import type { ReservationStore } from '../reservations/reservation-store';
import type { AgentMirror } from './agent-mirror';
import type { TenantDirectory } from './directory';
import type { InteractionStore } from './interaction-store';
import type { StatsStore } from './stats-store';
import type { TimerStore } from './timers';

export interface RuntimeLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RuntimeDeps {
  bus: Pick<EventBus, 'publish' | 'publishMany' | 'command'>;
  redis: Redis;
  reservations: ReservationStore;
  interactions: InteractionStore;
  timers: TimerStore;
  stats: StatsStore;
  mirror: AgentMirror;
  directory(tenantId: string): TenantDirectory | undefined;
  now(): number;
  log: RuntimeLog;
  /** Callers who hang up sooner than this after entering a queue are short abandons. */
  shortAbandonMs: number;
  /** Added to an offer's timeout in Redis, so the SBC's own timeout normally reports first. */
  offerGraceMs: number;
  /** Time allowed for a command to the SBC. */
  commandTimeoutMs: number;
}

/** Options of a command about a call: to the SBC holding it (any SBC if unknown), bounded wait. */
export function sbcOptions(
  deps: Pick<RuntimeDeps, 'commandTimeoutMs'>,
  call: { sbcId?: string | undefined },
): { timeoutMs: number; target?: string } {
  return { timeoutMs: deps.commandTimeoutMs, ...(call.sbcId ? { target: call.sbcId } : {}) };
}
