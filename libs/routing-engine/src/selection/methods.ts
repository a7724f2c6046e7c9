import type { Agent, QueueConfig, RoutingMethod, SkillRequirement } from './model';

/**
 * Round-robin memory: the agent last offered per queue id. An id rather than an index, so agents
 * joining or leaving the eligible set do not shift whose turn it is.
 */
export type RoundRobinState = Readonly<Record<string, string>>;

/** Call when an offer was really made (the reservation succeeded), not when it was chosen. */
export function advanceRoundRobin(
  state: RoundRobinState,
  queueId: string,
  agentId: string,
): RoundRobinState {
  return { ...state, [queueId]: agentId };
}

export interface AgentChoice {
  /** ring-all offers to every agent at once; otherwise to `agents[0]`, the rest being fallbacks. */
  ringAll: boolean;
  agents: Agent[];
}

const byId = (a: Agent, b: Agent): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const longestIdle = (a: Agent, b: Agent): number => a.idleSince - b.idleSince || byId(a, b);

function proficiency(agent: Agent, requirements: readonly SkillRequirement[]): number {
  let sum = 0;
  for (const r of requirements) sum += agent.skills[r.skillId] ?? 0;
  return sum;
}

function roundRobin(eligible: Agent[], last: string | undefined): Agent[] {
  const sorted = eligible.sort(byId);
  if (last === undefined) return sorted;
  const start = sorted.findIndex((a) => a.id > last);
  return start <= 0 ? sorted : [...sorted.slice(start), ...sorted.slice(0, start)];
}

/** Listed agents in list order, then any unlisted eligible ones by id. */
function serial(eligible: Agent[], order: readonly string[] | undefined): Agent[] {
  const position = new Map((order ?? []).map((agentId, i) => [agentId, i]));
  const rank = (a: Agent): number => position.get(a.id) ?? Number.MAX_SAFE_INTEGER;
  return eligible.sort((a, b) => rank(a) - rank(b) || byId(a, b));
}

/** Orders already-eligible agents for an offer; the input array is not modified. */
export function chooseAgents(
  method: RoutingMethod,
  eligible: readonly Agent[],
  state: RoundRobinState,
  queue: QueueConfig,
  requirements: readonly SkillRequirement[],
): AgentChoice {
  const agents = [...eligible];
  switch (method) {
    case 'ring-all':
      return { ringAll: true, agents: agents.sort(byId) };
    case 'longest-idle':
      return { ringAll: false, agents: agents.sort(longestIdle) };
    case 'round-robin':
      return { ringAll: false, agents: roundRobin(agents, state[queue.id]) };
    case 'serial':
      return { ringAll: false, agents: serial(agents, queue.serialOrder) };
    case 'most-proficient': {
      const score = new Map(agents.map((a) => [a.id, proficiency(a, requirements)]));
      const key = (a: Agent): number => score.get(a.id) ?? 0;
      return {
        ringAll: false,
        agents: agents.sort((a, b) => key(b) - key(a) || longestIdle(a, b)),
      };
    }
  }
}
