import { z } from 'zod';
import { and, lte, gte, ne, sql } from 'drizzle-orm';
import { numberRanges, sites, trunks } from '@ccx/persistence';
import { E164_PATTERN, checkRange } from '../numbering/e164-range';
import { conflict, validationProblem } from '../problem/problem';
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
};

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
  }),
  patch: z.strictObject(fields).partial(),
  output: z.object({ ...storedFields, ...fields }),
  references(input) {
    const refs: ReferenceCheck[] = [];
    if (typeof input['trunkId'] === 'string')
      refs.push({ field: 'trunkId', table: trunks, what: 'trunk', id: input['trunkId'] });
    if (typeof input['siteId'] === 'string')
      refs.push({ field: 'siteId', table: sites, what: 'site', id: input['siteId'] });
    return refs;
  },
  /** Equal lengths, first <= last, and no number of the tenant in two ranges. */
  async validate({ scope, next, id }) {
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
