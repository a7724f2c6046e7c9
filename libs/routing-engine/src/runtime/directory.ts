// One tenant's routing configuration in memory, with the indexes decisions need: which agents
// can ever serve a queue (its candidates), which queues an agent serves, which number goes to
// which queue or flow, and Teams users by id.
import type { SkillRequirement } from '@ccx/routing-model';
import { meetsSkills } from '../selection/eligibility';
import {
  parseAgents,
  parseExperts,
  parseFlows,
  parseNumbers,
  parseQueues,
  type AgentEntry,
  type ExpertEntry,
  type FlowEntry,
  type NumberEntry,
  type QueueEntry,
  type RowError,
  type Rows,
} from './rows';

export interface TenantRows {
  queues: Rows;
  agents: Rows;
  numbers: Rows;
  flows: Rows;
  experts: Rows;
}

export class TenantDirectory {
  readonly queues = new Map<string, QueueEntry>();
  readonly agents = new Map<string, AgentEntry>();
  readonly flows = new Map<string, FlowEntry>();
  readonly experts: ExpertEntry[];
  readonly errors: RowError[] = [];
  /** Agents that meet the queue's own or an escalation step's requirements and did not opt out. */
  private readonly candidates = new Map<string, readonly string[]>();
  private readonly queuesOf = new Map<string, string[]>();
  private readonly numbers: NumberEntry[];
  private readonly byTeamsUser = new Map<string, AgentEntry | ExpertEntry>();
  private readonly proficiency = new Map<string, readonly { id: string; score: number }[]>();

  constructor(
    readonly tenantId: string,
    rows: TenantRows,
  ) {
    for (const q of parseQueues(rows.queues, this.errors)) this.queues.set(q.config.id, q);
    for (const a of parseAgents(rows.agents, this.errors)) this.agents.set(a.id, a);
    for (const f of parseFlows(rows.flows, this.errors)) this.flows.set(f.id, f);
    this.numbers = parseNumbers(rows.numbers, this.errors);
    this.experts = parseExperts(rows.experts, this.errors);
    for (const e of this.experts) this.byTeamsUser.set(e.userId, e);
    for (const a of this.agents.values()) if (a.teamsUserId) this.byTeamsUser.set(a.teamsUserId, a);
    this.index();
  }

  private index(): void {
    // skill → agents holding it, so a queue's candidates come from its rarest skill's holders.
    const holders = new Map<string, AgentEntry[]>();
    for (const a of this.agents.values())
      for (const skill of Object.keys(a.skills)) {
        let list = holders.get(skill);
        if (!list) holders.set(skill, (list = []));
        list.push(a);
      }
    const all = [...this.agents.values()];
    for (const [queueId, { config }] of this.queues) {
      const sets = [config.requiredSkills, ...config.escalation.map((s) => s.requiredSkills)];
      const found = new Set<string>();
      for (const requirements of sets) {
        let pool = all;
        for (const r of requirements) {
          const list = holders.get(r.skillId) ?? [];
          if (list.length < pool.length) pool = list;
        }
        for (const a of pool)
          if (!found.has(a.id) && !a.optOutQueues.includes(queueId) && meetsSkills(a, requirements))
            found.add(a.id);
      }
      const ids = [...found].sort();
      this.candidates.set(queueId, ids);
      for (const id of ids) {
        let list = this.queuesOf.get(id);
        if (!list) this.queuesOf.set(id, (list = []));
        list.push(queueId);
      }
    }
  }

  /** Agents that may serve the queue under its own or escalated requirements. */
  candidatesOf(queueId: string): readonly string[] {
    return this.candidates.get(queueId) ?? [];
  }

  /** Candidates by proficiency on the queue's own requirements, highest first (cached). */
  byProficiency(queueId: string): readonly { id: string; score: number }[] {
    let list = this.proficiency.get(queueId);
    if (list) return list;
    const required = this.queues.get(queueId)?.config.requiredSkills ?? [];
    list = this.candidatesOf(queueId)
      .map((id) => {
        const skills = this.agents.get(id)?.skills ?? {};
        let score = 0;
        for (const r of required) score += skills[r.skillId] ?? 0;
        return { id, score };
      })
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    this.proficiency.set(queueId, list);
    return list;
  }

  /** All agents not opted out of the queue: for interactions whose flow set its own skills. */
  agentsFor(queueId: string, requirements: readonly SkillRequirement[]): string[] {
    const out: string[] = [];
    for (const a of this.agents.values())
      if (!a.optOutQueues.includes(queueId) && meetsSkills(a, requirements)) out.push(a.id);
    return out;
  }

  queuesOfAgent(agentId: string): readonly string[] {
    return this.queuesOf.get(agentId) ?? [];
  }

  /** The queue or flow a called number belongs to (queue-purpose number ranges). */
  routeFor(number: string): { queueId?: string; flowId?: string } | undefined {
    for (const n of this.numbers) {
      if (n.first.length !== number.length) continue;
      if (number >= n.first && number <= n.last) return n;
    }
    return undefined;
  }

  teamsUser(userId: string): AgentEntry | ExpertEntry | undefined {
    return this.byTeamsUser.get(userId);
  }

  /** The agent whose Teams user id this is (presence arrives by Teams user). */
  agentByTeamsUser(userId: string): AgentEntry | undefined {
    const entry = this.byTeamsUser.get(userId);
    return entry && 'skills' in entry ? entry : undefined;
  }

  expertsFor(topic: string): ExpertEntry[] {
    const t = topic.toLowerCase();
    return this.experts.filter((e) => e.topics.includes(t));
  }
}
