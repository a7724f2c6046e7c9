// The routing bench's tenant, built the same way (from a seed) in the bench and in each replica:
// agents with random skills and levels, queues needing one or two skills, a number per queue.
import type { TenantRows } from '@ccx/routing-engine';

export interface WorldSize {
  agents: number;
  queues: number;
  skills: number;
  seed: number;
}

/** Deterministic PRNG (mulberry32): both replicas build identical rows. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (kind: number, n: number) =>
  `00000000-0000-4000-8${kind.toString(16).padStart(3, '0')}-${n.toString(16).padStart(12, '0')}`;

export const agentId = (n: number) => `a${n}`;
export const agentPhone = (n: number) => `+49301${String(n).padStart(7, '0')}`;
export const teamsUser = (n: number) => uuid(1, n);
export const queueId = (n: number) => uuid(2, n);
export const queueNumber = (n: number) => `+49302${String(n).padStart(7, '0')}`;
const skillId = (n: number) => uuid(3, n);

const METHODS = ['longest-idle', 'round-robin', 'most-proficient', 'serial'] as const;

export function buildWorld(size: WorldSize): TenantRows {
  const random = rng(size.seed);
  const pick = (n: number) => Math.floor(random() * n);
  const agents = [];
  for (let i = 0; i < size.agents; i++) {
    const skills = new Map<string, number>();
    while (skills.size < 4) skills.set(skillId(pick(size.skills)), 1 + pick(5));
    agents.push({
      id: agentId(i),
      displayName: `Agent ${i}`,
      teamsUserId: teamsUser(i),
      phoneNumber: agentPhone(i),
      skills: [...skills].map(([s, level]) => ({ skillId: s, level })),
      capacity: { voice: 1, chat: 0 },
      maxMissedOffers: 0,
    });
  }
  const holders = new Map<string, string[]>();
  for (const a of agents)
    for (const { skillId: s } of a.skills) {
      const list = holders.get(s) ?? [];
      list.push(a.id);
      holders.set(s, list);
    }
  const pickHolder = (skill: string): string => {
    const list = holders.get(skill) ?? [agentId(0)];
    return list[pick(list.length)] ?? agentId(0);
  };
  const queues = [];
  const numbers = [];
  for (let q = 0; q < size.queues; q++) {
    const method = METHODS[q % METHODS.length] ?? 'longest-idle';
    const required = [{ skillId: skillId(pick(size.skills)), minLevel: 1 }];
    // One queue in five asks for more at first (a higher level), with an escalation step that
    // accepts any level after 10 s. Staffing is ample, so offers are not held up by waits.
    const second = q % 5 === 0;
    if (second) required[0] = { skillId: required[0]?.skillId ?? skillId(0), minLevel: 2 };
    queues.push({
      id: queueId(q),
      name: `queue ${q}`,
      method,
      requiredSkills: required,
      escalation: second
        ? [
            {
              afterSeconds: 10,
              requiredSkills: [{ skillId: required[0]?.skillId ?? '', minLevel: 1 }],
            },
          ]
        : [],
      maxSize: 1000,
      maxWaitSeconds: 600,
      overflow: { kind: 'disconnect' },
      offerTimeoutSeconds: 20,
      presenceAware: true,
      // Serial: 50 of the agents holding the queue's skill, in a random order.
      ...(method === 'serial'
        ? {
            serialOrder: [
              ...new Set(Array.from({ length: 50 }, () => pickHolder(required[0]?.skillId ?? ''))),
            ],
          }
        : {}),
    });
    numbers.push({
      firstNumber: queueNumber(q),
      lastNumber: queueNumber(q),
      purpose: 'queue',
      queueId: queueId(q),
    });
  }
  return { queues, agents, numbers, flows: [], experts: [] };
}
