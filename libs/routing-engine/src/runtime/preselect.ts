// Narrows a queue's candidates to the few a decision can pick from: for each set of requirements
// in force among the waiting interactions, the best `limit` free agents in the queue's method
// order. `decide` then orders and checks only those. With the queue's own requirements the
// walk starts where the method's best agents are (longest idle: the mirror's availability index
// in order of becoming available; serial: the list; round robin: after the last agent offered;
// most proficient: the proficiency ranking), so it usually stops after `limit` agents; otherwise
// (escalated or flow-set skills) every candidate is looked at once.
import type { QueueConfig, SkillRequirement } from '@ccx/routing-model';
import { meetsSkills, requirementsAt } from '../selection/eligibility';
import type { Interaction } from '../selection/model';
import type { AgentMirror } from './agent-mirror';
import type { TenantDirectory } from './directory';

interface Ranked {
  id: string;
  /** Smaller first. */
  primary: number;
  secondary: number;
}

function before(a: Ranked, b: Ranked): boolean {
  return a.primary !== b.primary
    ? a.primary < b.primary
    : a.secondary !== b.secondary
      ? a.secondary < b.secondary
      : a.id < b.id;
}

/** Keeps the `limit` best in a small sorted array (limit is single digits to tens). */
function keep(top: Ranked[], r: Ranked, limit: number): void {
  if (top.length === limit && !before(r, top[top.length - 1] as Ranked)) return;
  let i = top.length;
  while (i > 0 && before(r, top[i - 1] as Ranked)) i--;
  top.splice(i, 0, r);
  if (top.length > limit) top.pop();
}

const sameRequirements = (a: readonly SkillRequirement[], b: readonly SkillRequirement[]) =>
  a.length === b.length &&
  a.every((r, i) => r.skillId === b[i]?.skillId && r.minLevel === b[i]?.minLevel);

export interface PreselectInput {
  dir: TenantDirectory;
  mirror: AgentMirror;
  queue: QueueConfig;
  /** Everyone who may serve (the queue's candidates, plus agents for flow-set skills). */
  ids: Iterable<string>;
  waiting: readonly Interaction[];
  now: number;
  lastOffered: string | undefined;
  limit: number;
}

export function preselect(input: PreselectInput): Set<string> {
  const { queue, waiting, now } = input;
  const sets = new Map<string, readonly SkillRequirement[]>();
  for (const w of waiting) {
    const req = requirementsAt(queue, w, now);
    sets.set(JSON.stringify(req), req);
  }
  const out = new Set<string>();
  for (const req of sets.values()) {
    const own = sameRequirements(req, queue.requiredSkills);
    for (const id of own ? fastWalk(input, req) : scan(input, req)) out.add(id);
  }
  return out;
}

/** Can take a voice offer from this queue now under `req` (as far as this replica knows). */
function free(input: PreselectInput, id: string, req: readonly SkillRequirement[]): boolean {
  const { dir, mirror, queue } = input;
  const live = mirror.get(dir.tenantId, id);
  if (live.state !== 'available') return false;
  if (queue.presenceAware && live.presence !== 'Available') return false;
  const entry = dir.agents.get(id);
  if (!entry?.phoneNumber || entry.capacity.voice < 1 || entry.optOutQueues.includes(queue.id))
    return false;
  return meetsSkills(entry, req);
}

function rank(input: PreselectInput, id: string, req: readonly SkillRequirement[]): Ranked {
  const { dir, mirror, queue, lastOffered } = input;
  const live = mirror.get(dir.tenantId, id);
  switch (queue.method) {
    case 'most-proficient': {
      const skills = dir.agents.get(id)?.skills ?? {};
      let sum = 0;
      for (const s of req) sum += skills[s.skillId] ?? 0;
      return { id, primary: -sum, secondary: live.idleSince };
    }
    case 'round-robin':
      return { id, primary: lastOffered !== undefined && id <= lastOffered ? 1 : 0, secondary: 0 };
    case 'serial': {
      const at = queue.serialOrder?.indexOf(id) ?? -1;
      return { id, primary: at < 0 ? Number.MAX_SAFE_INTEGER : at, secondary: 0 };
    }
    default:
      return { id, primary: live.idleSince, secondary: 0 };
  }
}

/** Every candidate once, keeping the best `limit`. */
function scan(input: PreselectInput, req: readonly SkillRequirement[]): string[] {
  const top: Ranked[] = [];
  for (const id of input.ids)
    if (free(input, id, req)) keep(top, rank(input, id, req), input.limit);
  return top.map((r) => r.id);
}

/** From where the method's best agents are, until `limit` are found (then exact by rank). */
function fastWalk(input: PreselectInput, req: readonly SkillRequirement[]): string[] {
  const { dir, mirror, queue, limit } = input;
  const found: string[] = [];
  const take = (id: string) => {
    if (found.length < limit && free(input, id, req)) found.push(id);
    return found.length >= limit;
  };
  switch (queue.method) {
    case 'longest-idle': {
      for (const id of mirror.available(dir.tenantId, queue.id).keys()) if (take(id)) break;
      // Order of becoming available is idle order up to replica clock skew: rank to be exact.
      return found;
    }
    case 'serial': {
      for (const id of queue.serialOrder ?? []) if (take(id)) return found;
      return scan(input, req);
    }
    case 'round-robin': {
      const ids = dir.candidatesOf(queue.id);
      const last = input.lastOffered;
      // The first candidate after the last one offered (ids are sorted): a binary search.
      let start = 0;
      if (last !== undefined) {
        let hi = ids.length;
        while (start < hi) {
          const mid = (start + hi) >>> 1;
          if ((ids[mid] as string) <= last) start = mid + 1;
          else hi = mid;
        }
      }
      for (let k = 0; k < ids.length; k++) if (take(ids[(start + k) % ids.length] as string)) break;
      return found;
    }
    case 'most-proficient': {
      // Down the ranking; the agents of the last score reached are all looked at (idle order).
      const top: Ranked[] = [];
      let cutoff: number | undefined;
      for (const { id, score } of dir.byProficiency(queue.id)) {
        if (cutoff !== undefined && score < cutoff) break;
        if (!free(input, id, req)) continue;
        keep(top, rank(input, id, req), limit);
        if (top.length >= limit && cutoff === undefined) cutoff = score;
      }
      return top.map((r) => r.id);
    }
    default:
      return scan(input, req);
  }
}
