import { z } from 'zod';
import { agents, skills } from '@ccx/persistence';
import { skillLevel } from './queues';
import {
  displayName,
  storedFields,
  uniqueBy,
  type ReferenceCheck,
  type ResourceDef,
} from './resource-def';

const agentSkill = z.strictObject({
  skillId: z.uuid(),
  level: skillLevel.meta({ description: 'Proficiency from 1 to 10.' }),
});

const fields = {
  displayName: displayName.meta({ example: 'Ada Agent' }),
  upn: z
    .email()
    .max(254)
    .transform((u) => u.toLowerCase())
    .meta({ description: 'Microsoft 365 user principal name.', example: 'ada@contoso.com' }),
  teamsUserId: z
    .uuid()
    .nullable()
    .meta({ description: 'Entra ID object id of the Teams user, once known.' }),
  skills: z.array(agentSkill).max(50).superRefine(uniqueBy('skillId')),
  maxConcurrent: z
    .number()
    .int()
    .min(1)
    .max(20)
    .meta({ description: 'Interactions the agent handles at once.' }),
};

export const agentResource: ResourceDef = {
  resource: 'agent',
  path: 'agents',
  singular: 'agent',
  schemaName: 'Agent',
  tag: 'Agents',
  table: agents,
  create: z.strictObject({
    ...fields,
    teamsUserId: fields.teamsUserId.optional(),
    skills: fields.skills.default([]),
    maxConcurrent: fields.maxConcurrent.default(1),
  }),
  patch: z.strictObject(fields).partial(),
  output: z.object({
    ...storedFields,
    ...fields,
    displayName: z.string(),
    upn: z.string(),
    skills: z.array(agentSkill),
  }),
  references(input) {
    const list = Array.isArray(input['skills']) ? (input['skills'] as { skillId: string }[]) : [];
    return list.map((s, i): ReferenceCheck => ({
      field: `skills.${i}.skillId`,
      table: skills,
      what: 'skill',
      id: s.skillId,
    }));
  },
};
