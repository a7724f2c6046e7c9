// What selection decides over: queue configuration (zod schemas in @ccx/routing-model, shared with
// the API) and the live agent and interaction records (plain types, built by the routing service).
import type { SkillRequirement } from '@ccx/routing-model';

export * from '@ccx/routing-model';

export type Channel = 'voice' | 'chat';

export type AgentState = 'logged-out' | 'available' | 'not-ready' | 'reserved' | 'busy' | 'wrap-up';

export interface Agent {
  id: string;
  /** skillId → level 1–5. */
  skills: Readonly<Record<string, number>>;
  capacity: Readonly<Record<Channel, number>>;
  active: Readonly<Record<Channel, number>>;
  state: AgentState;
  notReadyReason?: string;
  /** Teams availability as Graph reports it: 'Available', 'Busy', 'DoNotDisturb', 'Away', 'Offline'… */
  presence: string;
  /** Epoch ms since the agent last became idle. */
  idleSince: number;
  optOutQueues: readonly string[];
  missedOffers: number;
}

export interface Interaction {
  id: string;
  tenantId: string;
  queueId: string;
  channel: Channel;
  priority: number;
  /** Epoch ms when it entered this queue (this visit). */
  enqueuedAt: number;
  /** Set by a virtual-assistant flow; replaces the queue's own requirements. */
  requiredSkills?: readonly SkillRequirement[];
  callbackRequested?: boolean;
  /** Epoch ms of the first entry: a callback or re-entry keeps its place with it. */
  originalEnqueuedAt?: number;
}
