import { z } from 'zod';
import { sql } from 'drizzle-orm';
import { flows, numberRanges, queues, skills } from '@ccx/persistence';
import { flowDefinition, flowReferences, type FlowDefinition } from '@ccx/routing-model';
import { named } from '../openapi/routes';
import type { TenantScope } from '../persistence/tenant-scope';
import { conflict, validationProblem, type FieldError } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';
import { promptProblem, unknownTeamsUsers } from './routing-refs';
import { displayName, storedFields, type ResourceDef, type ResourceSettings } from './resource-def';

const fields = {
  name: displayName.meta({ example: 'main menu' }),
  definition: named(
    'FlowDefinition',
    flowDefinition.meta({
      description:
        'The flow: `start` and `nodes` by id (play, menu, collect, hours, branch, set, queue, ' +
        'transfer, disconnect, voicemail). See docs/routing.md.',
    }),
  ),
};

/**
 * Everything the flow names outside itself must exist now, not when a caller reaches the node:
 * queues and skills of the tenant, Teams users of its agents or experts, prompt files.
 */
async function missingReferences(
  scope: TenantScope,
  settings: ResourceSettings,
  definition: FlowDefinition,
): Promise<FieldError[]> {
  const refs = flowReferences(definition);
  const ids = (kind: string) => refs.filter((r) => r.kind === kind).map((r) => r.id);
  // One after the other: inside a transaction every query shares one connection.
  const queuesMissing = new Set(await scope.missingIds(queues, ids('queue')));
  const skillsMissing = new Set(await scope.missingIds(skills, ids('skill')));
  const usersUnknown = await unknownTeamsUsers(scope, ids('teams-user'));
  const errors: FieldError[] = [];
  for (const ref of refs) {
    const field = `definition.${ref.path}`;
    if (ref.kind === 'queue' && queuesMissing.has(ref.id))
      errors.push({ field, message: `no queue with id "${ref.id}"` });
    if (ref.kind === 'skill' && skillsMissing.has(ref.id))
      errors.push({ field, message: `no skill with id "${ref.id}"` });
    if (ref.kind === 'teams-user' && usersUnknown.has(ref.id))
      errors.push({ field, message: `no agent or expert with Teams user id "${ref.id}"` });
    if (ref.kind === 'prompt') {
      const problem = promptProblem(settings.promptDir, ref.id);
      if (problem) errors.push({ field, message: problem });
    }
  }
  return errors;
}

export const flowResource: ResourceDef = {
  resource: 'flow',
  path: 'flows',
  singular: 'flow',
  schemaName: 'Flow',
  tag: 'Flows',
  table: flows,
  create: z.strictObject(fields),
  patch: z.strictObject(fields).partial(),
  output: z.object({ ...storedFields, ...fields, name: z.string() }),
  async validate({ scope, settings, next }) {
    // A stored definition is parsed again (a PATCH may change only the name): a 400, never a 500.
    const definition = parseOrThrow(flowDefinition, next['definition'], 'definition');
    const errors = await missingReferences(scope, settings, definition);
    if (errors.length) throw validationProblem(errors);
  },
  async beforeDelete(scope, row) {
    const [range] = await scope.select(numberRanges, sql`${numberRanges.flowId} = ${row['id']}`, 1);
    if (range)
      throw conflict(
        'id',
        `number range ${range.firstNumber}..${range.lastNumber} names this flow`,
      );
  },
};
