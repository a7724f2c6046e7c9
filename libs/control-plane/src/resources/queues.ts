import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { agents, numberRanges, queues, skills } from '@ccx/persistence';
import { queueConfig } from '@ccx/routing-model';
import { conflict } from '../problem/problem';
import { named } from '../openapi/routes';
import { zodProblem } from '../problem/zod-issues';
import { checkOverflow } from './overflow';
import { flowsNaming } from './routing-refs';
import {
  displayName,
  storedFields,
  uniqueBy,
  withoutDefaults,
  type ReferenceCheck,
  type ResourceDef,
  type Values,
} from './resource-def';

// The API stores what the routing service runs: every field comes from `queueConfig` of
// @ccx/routing-model, so the two cannot drift. The API adds defaults where a queue needs none.
const q = queueConfig.shape;

const createFields = {
  name: displayName.meta({ example: 'support' }),
  method: q.method.meta({ description: 'How a waiting interaction picks among eligible agents.' }),
  requiredSkills: q.requiredSkills
    .unwrap()
    .superRefine(uniqueBy('skillId'))
    .default([])
    .meta({ description: 'Skills an agent needs, each at a minimum level (1–5).' }),
  escalation: q.escalation.meta({
    description: 'Steps that replace requiredSkills once an interaction has waited afterSeconds.',
  }),
  priorityAgingPerMinute: q.priorityAgingPerMinute,
  maxSize: q.maxSize
    .default(100)
    .meta({ description: 'Interactions waiting at most; then overflow.' }),
  maxWaitSeconds: q.maxWaitSeconds.meta({
    description: 'After this wait the interaction overflows.',
  }),
  overflow: named('OverflowAction', q.overflow)
    .default({ kind: 'disconnect' })
    .meta({
      description:
        'What happens on maxWaitSeconds or a full queue: another queue (target: its id), a number ' +
        '(E.164), a Teams user (target: the userId of an agent or expert), voicemail, disconnect.',
    }),
  hours: named('BusinessHours', q.hours.unwrap())
    .nullable()
    .default(null)
    .meta({ description: 'Business hours and holidays; null: open around the clock.' }),
  offerTimeoutSeconds: q.offerTimeoutSeconds,
  wrapUpSeconds: q.wrapUpSeconds,
  presenceAware: q.presenceAware.meta({
    description: 'Offer only to agents whose Teams presence is Available.',
  }),
  serialOrder: q.serialOrder
    .unwrap()
    .default([])
    .meta({ description: 'Agent ids in offer order; needed by the serial method.' }),
  serviceLevelSeconds: q.serviceLevelSeconds,
};

/** The queue as the routing service parses it (queueConfig), from a stored or merged row. */
function asQueueConfig(row: Values, id: string | undefined): Values {
  const config: Values = { id: id ?? 'new' };
  for (const key of Object.keys(q)) if (key !== 'id' && row[key] != null) config[key] = row[key];
  return config;
}

function skillRefs(input: Values): ReferenceCheck[] {
  const refs: ReferenceCheck[] = [];
  const add = (field: string, list: unknown) => {
    if (!Array.isArray(list)) return;
    (list as { skillId: string }[]).forEach((s, i) =>
      refs.push({ field: `${field}.${i}.skillId`, table: skills, what: 'skill', id: s.skillId }),
    );
  };
  add('requiredSkills', input['requiredSkills']);
  if (Array.isArray(input['escalation']))
    (input['escalation'] as { requiredSkills: unknown }[]).forEach((step, i) =>
      add(`escalation.${i}.requiredSkills`, step.requiredSkills),
    );
  return refs;
}

export const queueResource: ResourceDef = {
  resource: 'queue',
  path: 'queues',
  singular: 'queue',
  schemaName: 'Queue',
  tag: 'Queues',
  table: queues,
  create: z.strictObject(createFields),
  patch: z.strictObject(withoutDefaults(createFields)).partial(),
  output: z.object({ ...storedFields, ...withoutDefaults(createFields), name: z.string() }),
  references(input) {
    const refs = skillRefs(input);
    if (Array.isArray(input['serialOrder']))
      (input['serialOrder'] as string[]).forEach((id, i) =>
        refs.push({ field: `serialOrder.${i}`, table: agents, what: 'agent', id }),
      );
    return refs;
  },
  async validate({ scope, next, id }) {
    const parsed = queueConfig.safeParse(asQueueConfig(next, id));
    if (!parsed.success) throw zodProblem(parsed.error);
    await checkOverflow(scope, parsed.data.overflow, id);
  },
  async beforeDelete(scope, row) {
    const id = String(row['id']);
    const [from] = await scope.select(
      queues,
      sql`${queues.overflow}->>'kind' = 'queue' and ${queues.overflow}->>'target' = ${id}`,
      1,
    );
    if (from) throw conflict('id', `queue "${from.name}" overflows into this queue`);
    const [flow] = await flowsNaming(scope, 'queue', id);
    if (flow) throw conflict('id', `flow "${flow.name}" sends callers to this queue`);
    const [range] = await scope.select(numberRanges, sql`${numberRanges.queueId} = ${id}`, 1);
    if (range)
      throw conflict(
        'id',
        `number range ${range.firstNumber}..${range.lastNumber} names this queue`,
      );
  },
};
