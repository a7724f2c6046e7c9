export type Channel = 'voice' | 'chat';

/** Contact-center state. Only the first three are set by hand; the others follow reservations. */
export type AgentState = 'logged-out' | 'available' | 'not-ready' | 'reserved' | 'busy' | 'wrap-up';
export type ManualAgentState = Extract<AgentState, 'logged-out' | 'available' | 'not-ready'>;

export interface PerChannel {
  voice: number;
  chat: number;
}

export interface AgentInput {
  state: ManualAgentState;
  capacity: PerChannel;
  /** Teams presence as last reported (e.g. 'Available', 'Busy'). */
  presence: string;
  /** Why the agent is not ready; kept as given. */
  reason?: string;
  /** The agent's Teams user: presence-aware reserves read its presence from the register. */
  teamsUserId?: string;
}

export type ReservationStatus =
  'open' | 'accepted' | 'rejected' | 'expired' | 'cancelled' | 'released';

export interface Reservation {
  reservationId: string;
  agentId: string;
  interactionId: string;
  channel: Channel;
  deadline: number;
  groupId?: string;
}

export interface AgentLive {
  agentId: string;
  state: AgentState;
  /** The state set by hand (or by auto-pause); reserved/busy/wrap-up are derived over it. */
  manualState: ManualAgentState;
  reason: string;
  presence: string;
  capacity: PerChannel;
  active: PerChannel;
  reserved: PerChannel;
  missedOffers: number;
  /** Bumped on every change of the agent; increases monotonically. */
  version: number;
  /** End of the current wrap-up (ms), 0 if none. */
  wrapUpUntil: number;
  /** When the visible state last turned available (ms), 0 if never; longest-idle routing. */
  idleSince: number;
  teamsUserId?: string;
  reservations: Reservation[];
}

/** An agent's snapshot as published on `<prefix>:agent-changes` after every change of it. */
export interface AgentChange {
  tenantId: string;
  agentId: string;
  state: AgentState;
  manualState: ManualAgentState;
  reason: string;
  /** Rises by one per change: keep the highest seen (messages of one agent are in order). */
  version: number;
  active: PerChannel;
  reserved: PerChannel;
  capacity: PerChannel;
  idleSince: number;
  missedOffers: number;
  /** The agent hash's presence field (the fallback; the register is not in the message). */
  presence: string;
  /** The `origin` of the store that made the change ('' when it had none). */
  origin: string;
}

/** An accepted interaction not yet released. */
export interface ActiveInteraction {
  interactionId: string;
  agentId: string;
  channel: Channel;
  /** When it was accepted (ms). */
  since: number;
}

export interface ReservationStoreOptions {
  /** Time source (ms); Date.now by default. */
  clock?: () => number;
  /**
   * Key of the presence register of a tenant (`presenceRegisterKey(busPrefix, tenantId)` from
   * @ccx/event-bus). Without it, presence-aware reserves read the agent hash's presence only.
   * It must carry the `{tenantId}` hash tag (same Cluster slot as the reservation keys).
   */
  presenceKey?: (tenantId: string) => string;
  /**
   * Who makes the changes (a replica's id): carried in each agent change it publishes, so the
   * replica that made a change can be the one to announce it.
   */
  origin?: string;
}

export interface ReserveRequest {
  interactionId: string;
  channel: Channel;
  ttlMs: number;
  /** Ring-all: offers sharing this id may coexist for one interaction; the first accept wins. */
  groupId?: string;
  /** Missed offers in a row (reject or timeout) after which the agent is paused; 0 = never. */
  maxMissedOffers?: number;
  /** Offer only if the agent's presence equals this (presence-aware queues). */
  requirePresence?: string;
  /** Given by the caller to make a retried reserve harmless; generated otherwise. */
  reservationId?: string;
}

export type ReserveRefusal =
  | 'unknown-agent'
  | 'duplicate-reservation'
  | 'interaction-ended'
  | 'interaction-assigned'
  | 'interaction-offered'
  | 'agent-unavailable'
  | 'presence'
  | 'no-capacity';

export type ReserveResult =
  | { ok: true; reservationId: string; deadline: number; agentState: AgentState }
  | { ok: false; reason: ReserveRefusal };

/** A reservation that was closed without being accepted. */
export interface ClosedOffer {
  tenantId: string;
  reservationId: string;
  agentId: string;
  interactionId: string;
  channel: Channel;
  outcome: 'rejected' | 'expired' | 'cancelled';
  /** The agent was paused (not-ready, reason 'missed-offers') by this miss. */
  paused: boolean;
  agentState: AgentState;
}

export type AcceptResult =
  | {
      ok: true;
      /** False when the reservation had already been accepted. */
      changed: boolean;
      agentId: string;
      interactionId: string;
      /** Other ring-all offers of the interaction, cancelled by this accept. */
      cancelled: ClosedOffer[];
    }
  | {
      ok: false;
      reason: 'unknown-reservation' | Exclude<ReservationStatus, 'open' | 'accepted'>;
      /** The offer this accept found past its deadline and closed as expired. */
      released?: ClosedOffer;
    };

export interface CloseResult {
  changed: boolean;
  released?: ClosedOffer;
}

export interface ReleaseResult {
  changed: boolean;
  /** The agent whose active slot was freed, if the interaction had been accepted. */
  agentId?: string;
  cancelled: ClosedOffer[];
}
