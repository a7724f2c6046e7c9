import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { experts } from '@ccx/persistence';
import { conflict } from '../problem/problem';
import { phoneNumber } from './agents';
import { teamsUserInUse } from './routing-refs';
import { displayName, storedFields, type ResourceDef } from './resource-def';

const topic = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lower-case slug such as "tax-law"')
  .meta({ example: 'tax-law' });

const fields = {
  displayName: displayName.meta({ example: 'Erin Expert' }),
  userId: z
    .uuid()
    .meta({ description: 'Entra ID object id of the Teams user; unique per tenant.' }),
  phoneNumber: phoneNumber.meta({
    description: 'E.164 number the expert is reached on (their Direct Routing number).',
  }),
  topics: z
    .array(topic)
    .min(1)
    .max(20)
    .refine((t) => new Set(t).size === t.length, 'duplicate topic')
    .meta({ description: 'What the expert can be asked about (1 to 20 slugs).' }),
};

export const expertResource: ResourceDef = {
  resource: 'expert',
  path: 'experts',
  singular: 'expert',
  schemaName: 'Expert',
  tag: 'Experts',
  table: experts,
  create: z.strictObject(fields),
  patch: z.strictObject(fields).partial(),
  output: z.object({
    ...storedFields,
    ...fields,
    displayName: z.string(),
    userId: z.string(),
    phoneNumber: z.string(),
    topics: z.array(z.string()),
  }),
  async validate({ scope, next, id }) {
    // Changing the user id would leave what names the old one (overflow, flow) dangling.
    if (!id) return;
    const [current] = await scope.select(experts, sql`${experts.id} = ${id}`, 1);
    if (current && current.userId !== next['userId']) {
      const user = await teamsUserInUse(scope, current.userId, { expertId: id });
      if (user) throw conflict('userId', `${user} names the current Teams user`);
    }
  },
  async beforeDelete(scope, row) {
    const user = await teamsUserInUse(scope, String(row['userId']), {
      expertId: String(row['id']),
    });
    if (user) throw conflict('id', `${user} names the expert's Teams user`);
  },
};
