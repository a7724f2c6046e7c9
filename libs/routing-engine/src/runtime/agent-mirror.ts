// Each replica's in-memory copy of agents' live state, so a decision ranks candidates without a
// Redis round trip per agent. It may lag behind Redis by a message; that is safe because the
// reservation script re-checks everything atomically and a refused reserve just tries the next.
import type { Agent, AgentState } from '../selection/model';
import type { AgentEntry } from './rows';

export interface LiveAgent {
  state: AgentState;
  active: { voice: number; chat: number };
  reserved: { voice: number; chat: number };
  idleSince: number;
  missedOffers: number;
  version: number;
  presence?: string;
  reason?: string;
}

export interface AgentChangeLike {
  tenantId: string;
  agentId: string;
  state: AgentState;
  active: { voice: number; chat: number };
  reserved: { voice: number; chat: number };
  idleSince: number;
  missedOffers: number;
  version: number;
  reason?: string;
  /** Teams availability as the agent record holds it ('' when unknown). */
  presence?: string;
}

const EMPTY: ReadonlyMap<string, true> = new Map();
const NO_COUNTS: ReadonlyMap<AgentState, number> = new Map();

/** States by index, for the per-queue counters (a typed array is cheaper than a Map per queue). */
const STATES: readonly AgentState[] = [
  'logged-out',
  'available',
  'not-ready',
  'reserved',
  'busy',
  'wrap-up',
];
const STATE_INDEX = new Map(STATES.map((s, i) => [s, i]));

const OFFLINE: LiveAgent = {
  state: 'logged-out',
  active: { voice: 0, chat: 0 },
  reserved: { voice: 0, chat: 0 },
  idleSince: 0,
  missedOffers: 0,
  version: -1,
};

/** The queues an agent can serve (the directory's index), for the availability index. */
export type QueuesOf = (tenantId: string, agentId: string) => readonly string[];

/** One queue's agents as the mirror knows them: the available ones in idle order, and counts. */
interface QueueAgents {
  /** Available agents in the order they became available (a Map keeps insertion order). */
  free: Map<string, true>;
  /** Agents by visible state (index in STATES); agents never seen are not counted. */
  counts: Int32Array;
}

export class AgentMirror {
  private readonly tenants = new Map<string, Map<string, LiveAgent>>();
  private readonly queues = new Map<string, Map<string, QueueAgents>>();
  /** Per tenant and agent, the entries above the agent belongs to (looked up once). */
  private readonly memberships = new Map<string, Map<string, QueueAgents[]>>();

  constructor(private readonly queuesOf: QueuesOf = () => []) {}

  /** Available agents of a queue, longest idle first (order of becoming available). */
  available(tenantId: string, queueId: string): ReadonlyMap<string, true> {
    return this.queues.get(tenantId)?.get(queueId)?.free ?? EMPTY;
  }

  /** A queue's agents by state (those never signed in are not counted: they are logged out). */
  counts(tenantId: string, queueId: string): ReadonlyMap<AgentState, number> {
    const counts = this.queues.get(tenantId)?.get(queueId)?.counts;
    if (!counts) return NO_COUNTS;
    return new Map(STATES.map((state, i) => [state, counts[i] ?? 0]));
  }

  private membershipsOf(tenantId: string, agentId: string): QueueAgents[] {
    let agents = this.memberships.get(tenantId);
    if (!agents) this.memberships.set(tenantId, (agents = new Map()));
    let list = agents.get(agentId);
    if (list) return list;
    let queues = this.queues.get(tenantId);
    if (!queues) this.queues.set(tenantId, (queues = new Map()));
    list = [];
    for (const q of this.queuesOf(tenantId, agentId)) {
      let entry = queues.get(q);
      if (!entry)
        queues.set(q, (entry = { free: new Map(), counts: new Int32Array(STATES.length) }));
      list.push(entry);
    }
    agents.set(agentId, list);
    return list;
  }

  /** Moves the agent between states in its queues' counts and availability order. */
  private track(
    tenantId: string,
    agentId: string,
    before: LiveAgent | undefined,
    after: LiveAgent,
  ): void {
    const was = before?.state === 'available';
    const is = after.state === 'available';
    const moved = before?.state !== after.state;
    // Becoming available again moves the agent to the end (it is now the least idle).
    const reorder = was !== is || (is && before?.idleSince !== after.idleSince);
    if (!moved && !reorder) return;
    const from = before ? (STATE_INDEX.get(before.state) ?? -1) : -1;
    const to = STATE_INDEX.get(after.state) ?? 0;
    for (const q of this.membershipsOf(tenantId, agentId)) {
      if (moved) {
        if (from >= 0) q.counts[from] = (q.counts[from] ?? 0) - 1;
        q.counts[to] = (q.counts[to] ?? 0) + 1;
      }
      if (reorder) {
        q.free.delete(agentId);
        if (is) q.free.set(agentId, true);
      }
    }
  }

  /** Rebuilds a tenant's per-queue index (its queues or agents changed). */
  reindex(tenantId: string): void {
    this.queues.delete(tenantId);
    this.memberships.delete(tenantId);
    const live = [...(this.tenants.get(tenantId) ?? new Map<string, LiveAgent>())].sort(
      ([, a], [, b]) => a.idleSince - b.idleSince,
    );
    for (const [agentId, agent] of live) this.track(tenantId, agentId, undefined, agent);
  }

  private of(tenantId: string): Map<string, LiveAgent> {
    let m = this.tenants.get(tenantId);
    if (!m) this.tenants.set(tenantId, (m = new Map()));
    return m;
  }

  get(tenantId: string, agentId: string): LiveAgent {
    return this.tenants.get(tenantId)?.get(agentId) ?? OFFLINE;
  }

  /** Applies a change unless an equal or newer version is held; true when applied. */
  apply(change: AgentChangeLike): boolean {
    const m = this.of(change.tenantId);
    const current = m.get(change.agentId);
    if (current && current.version >= change.version) return false;
    const next: LiveAgent = {
      state: change.state,
      active: change.active,
      reserved: change.reserved,
      idleSince: change.idleSince,
      missedOffers: change.missedOffers,
      version: change.version,
      ...(change.presence
        ? { presence: change.presence }
        : current?.presence !== undefined
          ? { presence: current.presence }
          : {}),
      ...(change.reason ? { reason: change.reason } : {}),
    };
    m.set(change.agentId, next);
    this.track(change.tenantId, change.agentId, current, next);
    return true;
  }

  setPresence(tenantId: string, agentId: string, presence: string): void {
    const m = this.of(tenantId);
    m.set(agentId, { ...(m.get(agentId) ?? OFFLINE), presence });
  }

  /** The selection view of an agent: configuration from the directory, state from the mirror. */
  view(tenantId: string, entry: AgentEntry): Agent {
    const live = this.get(tenantId, entry.id);
    // No number to ring: the agent cannot take voice calls.
    const voice = entry.phoneNumber ? entry.capacity.voice : 0;
    return {
      id: entry.id,
      skills: entry.skills,
      capacity: { voice, chat: entry.capacity.chat },
      // Offers count against capacity like active interactions do.
      active: {
        voice: live.active.voice + live.reserved.voice,
        chat: live.active.chat + live.reserved.chat,
      },
      state: live.state,
      ...(live.reason ? { notReadyReason: live.reason } : {}),
      presence: live.presence ?? 'PresenceUnknown',
      idleSince: live.idleSince,
      optOutQueues: entry.optOutQueues,
      missedOffers: live.missedOffers,
    };
  }
}
