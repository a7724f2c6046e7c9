import { z } from 'zod';
import { and, lte, gte, ne, sql } from 'drizzle-orm';
import { flows, numberRanges, queues, sites, trunks } from '@ccx/persistence';
import { E164_PATTERN, checkRange } from '../numbering/e164-range';
import { conflict, fieldProblem, validationProblem } from '../problem/problem';
import { refField, storedFields, type ReferenceCheck, type ResourceDef } from './resource-def';

const e164 = (example: string) =>
  z
    .string()
    .regex(E164_PATTERN, 'an E.164 number such as +4930123400')
    .meta({ example, description: 'E.164, with the leading +.' });

const fields = {
  firstNumber: e164('+4930123400'),
  lastNumber: e164('+4930123499'),
  trunkId: refField('trunk'),
  siteId: refField('site'),
  purpose: z
    .enum(['did', 'queue', 'agent', 'caller-id'])
    .meta({ description: 'What the numbers are for.' }),
  queueId: refField('queue').meta({
    description: 'Purpose queue: calls to the range wait in this queue (or name flowId).',
  }),
  flowId: refField('flow').meta({
    description: 'Purpose queue: calls to the range go through this flow (or name queueId).',
  }),
};

/** A `queue` range names exactly one of queueId and flowId; other purposes name neither. */
function checkTarget(next: Record<string, unknown>): void {
  const queueId = next['queueId'] ?? null;
  const flowId = next['flowId'] ?? null;
  if (next['purpose'] === 'queue') {
    if (queueId === null && flowId === null)
      throw fieldProblem('queueId', 'a range with purpose queue names a queueId or a flowId');
    if (queueId !== null && flowId !== null)
      throw fieldProblem('flowId', 'name either queueId or flowId, not both');
    return;
  }
  if (queueId !== null) throw fieldProblem('queueId', 'only a range with purpose queue names one');
  if (flowId !== null) throw fieldProblem('flowId', 'only a range with purpose queue names one');
}

export const numberRangeResource: ResourceDef = {
  resource: 'number-range',
  path: 'number-ranges',
  singular: 'number range',
  schemaName: 'NumberRange',
  tag: 'Number ranges',
  table: numberRanges,
  create: z.strictObject({
    ...fields,
    trunkId: fields.trunkId.optional(),
    siteId: fields.siteId.optional(),
    purpose: fields.purpose.default('did'),
    queueId: fields.queueId.optional(),
    flowId: fields.flowId.optional(),
  }),
  patch: z.strictObject(fields).partial(),
  output: z.object({ ...storedFields, ...fields }),
  references(input) {
    const refs: ReferenceCheck[] = [];
    if (typeof input['trunkId'] === 'string')
      refs.push({ field: 'trunkId', table: trunks, what: 'trunk', id: input['trunkId'] });
    if (typeof input['siteId'] === 'string')
      refs.push({ field: 'siteId', table: sites, what: 'site', id: input['siteId'] });
    if (typeof input['queueId'] === 'string')
      refs.push({ field: 'queueId', table: queues, what: 'queue', id: input['queueId'] });
    if (typeof input['flowId'] === 'string')
      refs.push({ field: 'flowId', table: flows, what: 'flow', id: input['flowId'] });
    return refs;
  },
  /** The purpose's target, equal lengths, first <= last, no number of the tenant in two ranges. */
  async validate({ scope, next, id }) {
    checkTarget(next);
    const range = {
      firstNumber: String(next['firstNumber']),
      lastNumber: String(next['lastNumber']),
    };
    const errors = checkRange(range);
    if (errors.length) throw validationProblem(errors);
    await scope.lock('number-ranges');
    const overlapping = and(
      sql`length(${numberRanges.firstNumber}) = ${range.firstNumber.length}`,
      lte(numberRanges.firstNumber, range.lastNumber),
      gte(numberRanges.lastNumber, range.firstNumber),
      id ? ne(numberRanges.id, id) : undefined,
    );
    const [other] = await scope.select(numberRanges, overlapping, 1);
    if (other) {
      throw conflict(
        'firstNumber',
        `overlaps range ${other.firstNumber}..${other.lastNumber} (${other.id})`,
      );
    }
  },
};
