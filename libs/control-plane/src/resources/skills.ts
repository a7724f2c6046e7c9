import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { agents, queues, skills } from '@ccx/persistence';
import { conflict } from '../problem/problem';
import { flowsSettingSkill } from './routing-refs';
import { displayName, storedFields, type ResourceDef } from './resource-def';

const fields = {
  name: displayName.meta({ example: 'german' }),
  description: z.string().trim().max(500).nullable(),
};

export const skillResource: ResourceDef = {
  resource: 'skill',
  path: 'skills',
  singular: 'skill',
  schemaName: 'Skill',
  tag: 'Skills',
  table: skills,
  create: z.strictObject({ ...fields, description: fields.description.optional() }),
  patch: z.strictObject(fields).partial(),
  output: z.object({
    ...storedFields,
    ...fields,
    name: z.string(),
    description: z.string().nullable(),
  }),
  async beforeDelete(scope, row) {
    const ref = JSON.stringify([{ skillId: String(row['id']) }]);
    const [queue] = await scope.select(
      queues,
      sql`${queues.requiredSkills} @> ${ref}::jsonb or ${queues.escalation} @> ${`[{"requiredSkills":${ref}}]`}::jsonb`,
      1,
    );
    if (queue) throw conflict('id', `the skill is required by queue "${queue.name}"`);
    const [agent] = await scope.select(agents, sql`${agents.skills} @> ${ref}::jsonb`, 1);
    if (agent) throw conflict('id', `agent "${agent.displayName}" has the skill`);
    const [flow] = await flowsSettingSkill(scope, String(row['id']));
    if (flow) throw conflict('id', `flow "${flow.name}" gives callers the skill`);
  },
};
