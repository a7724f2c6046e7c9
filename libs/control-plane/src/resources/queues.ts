import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { queues, skills } from '@ccx/persistence';
import { conflict, fieldProblem } from '../problem/problem';
import type { TenantScope } from '../persistence/tenant-scope';
import {
  displayName,
  refField,
  storedFields,
  uniqueBy,
  type ReferenceCheck,
  type ResourceDef,
} from './resource-def';

export const skillLevel = z.number().int().min(1).max(10);
const MAX_OVERFLOW_HOPS = 32;

const requiredSkill = z.strictObject({
  skillId: z.uuid(),
  minLevel: skillLevel.meta({ description: 'Lowest level (1-10) an agent needs.' }),
});

const fields = {
  name: displayName.meta({ example: 'support' }),
  strategy: z
    .enum(['longest-idle', 'round-robin', 'skills-weighted'])
    .meta({ description: 'How a waiting call picks among eligible agents.' }),
  requiredSkills: z.array(requiredSkill).max(20).superRefine(uniqueBy('skillId')),
  maxWaitSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .meta({ description: 'After this wait the call overflows (or leaves the queue).' }),
  overflowQueueId: refField('queue'),
};

/** Follows overflow links from `start`; true when they come back to `id`. */
async function overflowLoops(scope: TenantScope, id: string, start: string): Promise<boolean> {
  let current: string | null = start;
  for (let hop = 0; current && hop < MAX_OVERFLOW_HOPS; hop++) {
    if (current === id) return true;
    const row: { overflowQueueId: string | null } | undefined = await scope.get(queues, current);
    current = row?.overflowQueueId ?? null;
  }
  return false;
}

export const queueResource: ResourceDef = {
  resource: 'queue',
  path: 'queues',
  singular: 'queue',
  schemaName: 'Queue',
  tag: 'Queues',
  table: queues,
  create: z.strictObject({
    ...fields,
    requiredSkills: fields.requiredSkills.default([]),
    overflowQueueId: fields.overflowQueueId.optional(),
  }),
  patch: z.strictObject(fields).partial(),
  output: z.object({
    ...storedFields,
    ...fields,
    name: z.string(),
    requiredSkills: z.array(requiredSkill),
  }),
  references(input) {
    const refs: ReferenceCheck[] = [];
    const required = Array.isArray(input['requiredSkills'])
      ? (input['requiredSkills'] as { skillId: string }[])
      : [];
    required.forEach((s, i) =>
      refs.push({
        field: `requiredSkills.${i}.skillId`,
        table: skills,
        what: 'skill',
        id: s.skillId,
      }),
    );
    if (typeof input['overflowQueueId'] === 'string')
      refs.push({
        field: 'overflowQueueId',
        table: queues,
        what: 'queue',
        id: input['overflowQueueId'],
      });
    return refs;
  },
  async validate({ scope, next, id }) {
    const overflow = next['overflowQueueId'];
    if (!id || typeof overflow !== 'string') return;
    if (overflow === id)
      throw fieldProblem('overflowQueueId', 'a queue cannot overflow into itself');
    if (await overflowLoops(scope, id, overflow))
      throw fieldProblem('overflowQueueId', 'the overflow chain would loop back to this queue');
  },
  async beforeDelete(scope, row) {
    const [from] = await scope.select(queues, sql`${queues.overflowQueueId} = ${row['id']}`, 1);
    if (from) throw conflict('id', `queue "${from.name}" overflows into this queue`);
  },
};
