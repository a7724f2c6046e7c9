import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { agents, queues, skills } from '@ccx/persistence';
import { skillRequirement } from '@ccx/routing-model';
import { E164_PATTERN } from '../numbering/e164-range';
import { conflict } from '../problem/problem';
import { teamsUserInUse } from './routing-refs';
import {
  displayName,
  storedFields,
  uniqueBy,
  withoutDefaults,
  type ReferenceCheck,
  type ResourceDef,
} from './resource-def';

const agentSkill = z.strictObject({
  skillId: z.uuid(),
  level: skillRequirement.shape.minLevel.meta({ description: 'Proficiency from 1 to 5.' }),
});

export const phoneNumber = z
  .string()
  .regex(E164_PATTERN, 'an E.164 number such as +4930123456')
  .meta({ example: '+4930123456' });

const capacity = z
  .strictObject({
    voice: z.union([z.literal(0), z.literal(1)]).meta({ description: 'Calls at once: 0 or 1.' }),
    chat: z.number().int().min(0).max(20).meta({ description: 'Chats at once: 0 to 20.' }),
  })
  .meta({ description: 'Interactions the agent handles at once, per channel.' });

const createFields = {
  displayName: displayName.meta({ example: 'Ada Agent' }),
  upn: z
    .email()
    .max(254)
    .transform((u) => u.toLowerCase())
    .meta({ description: 'Microsoft 365 user principal name.', example: 'ada@contoso.com' }),
  teamsUserId: z
    .uuid()
    .nullable()
    .default(null)
    .meta({ description: 'Entra ID object id of the Teams user, once known.' }),
  skills: z.array(agentSkill).max(50).superRefine(uniqueBy('skillId')).default([]),
  capacity: capacity.default({ voice: 1, chat: 0 }),
  optOutQueues: z
    .array(z.uuid())
    .max(1000)
    .default([])
    .meta({ description: 'Queues the agent is never offered interactions from.' }),
  maxMissedOffers: z.number().int().min(0).max(100).default(3).meta({
    description: 'Missed offers in a row after which the agent is paused; 0: never.',
  }),
  phoneNumber: phoneNumber.nullable().default(null).meta({
    description: "The Teams user's Direct Routing number (E.164), which the SBC dials.",
  }),
};

export const agentResource: ResourceDef = {
  resource: 'agent',
  path: 'agents',
  singular: 'agent',
  schemaName: 'Agent',
  tag: 'Agents',
  table: agents,
  create: z.strictObject(createFields),
  patch: z.strictObject(withoutDefaults(createFields)).partial(),
  output: z.object({
    ...storedFields,
    ...withoutDefaults(createFields),
    displayName: z.string(),
    upn: z.string(),
    teamsUserId: z.string().nullable(),
  }),
  references(input) {
    const refs: ReferenceCheck[] = [];
    if (Array.isArray(input['skills']))
      (input['skills'] as { skillId: string }[]).forEach((s, i) =>
        refs.push({ field: `skills.${i}.skillId`, table: skills, what: 'skill', id: s.skillId }),
      );
    if (Array.isArray(input['optOutQueues']))
      (input['optOutQueues'] as string[]).forEach((id, i) =>
        refs.push({ field: `optOutQueues.${i}`, table: queues, what: 'queue', id }),
      );
    return refs;
  },
  async validate({ scope, next, id }) {
    // Changing the Teams user id would leave what names the old one dangling.
    if (!id) return;
    const [current] = await scope.select(agents, sql`${agents.id} = ${id}`, 1);
    const old = current?.teamsUserId;
    if (old && old !== next['teamsUserId']) {
      const user = await teamsUserInUse(scope, old, { agentId: id });
      if (user) throw conflict('teamsUserId', `${user} names the current Teams user`);
    }
  },
  async beforeDelete(scope, row) {
    const id = String(row['id']);
    const ref = JSON.stringify([id]);
    const [serial] = await scope.select(queues, sql`${queues.serialOrder} @> ${ref}::jsonb`, 1);
    if (serial) throw conflict('id', `queue "${serial.name}" offers to this agent in serialOrder`);
    const userId = row['teamsUserId'];
    if (typeof userId === 'string') {
      const user = await teamsUserInUse(scope, userId, { agentId: id });
      if (user) throw conflict('id', `${user} names the agent's Teams user`);
    }
  },
};
