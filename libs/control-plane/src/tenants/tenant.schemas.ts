import { z } from 'zod';
import { tenantId } from '@ccx/contracts';
import type { FieldError } from '../problem/problem';
import { displayName } from '../resources/resource-def';
import { dialPlan, e164, kbps } from '../resources/sbc-fields';

const status = z
  .enum(['active', 'suspended'])
  .meta({ description: "A suspended tenant's keys are refused (403)." });

/** What the SBC needs of a tenant (docs/configuration.md, "Tenants"). */
const sbcFields = {
  teamsSubdomain: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a DNS label (lower-case letters, digits, -)')
    .nullable()
    .meta({
      description:
        "Left-most label of the tenant's Direct Routing FQDN `<teamsSubdomain>.<base domain>`; " +
        'unique across tenants.',
      example: 'contoso',
    }),
  maxCalls: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .nullable()
    .meta({ description: "Concurrent calls across the tenant's trunks and Teams; none if null." }),
  maxBandwidthKbps: kbps
    .nullable()
    .meta({ description: "Bandwidth budget of the tenant's calls in kbit/s; none if null." }),
  callerIdPolicy: z.enum(['reject', 'rewrite', 'allow']).meta({
    description:
      'A calling number the tenant does not own: refuse (403), rewrite to ' +
      '`callerIdRewriteTo`, or let it through.',
  }),
  callerIdRewriteTo: e164
    .nullable()
    .meta({ description: 'The number used with callerIdPolicy `rewrite`.' }),
  dialPlan,
};

/** Cross-field rule, checked on create and on the merged object of a patch. */
export function callerIdErrors(next: {
  callerIdPolicy?: unknown;
  callerIdRewriteTo?: unknown;
}): FieldError[] {
  return next.callerIdPolicy === 'rewrite' && (next.callerIdRewriteTo ?? null) === null
    ? [{ field: 'callerIdRewriteTo', message: 'required with callerIdPolicy rewrite' }]
    : [];
}

export const tenantCreateSchema = z.strictObject({
  id: tenantId.meta({
    description: 'Lower-case slug, chosen by the operator; part of every API key of the tenant.',
    example: 'contoso',
  }),
  name: displayName.meta({ example: 'Contoso Ltd' }),
  status: status.default('active'),
  teamsSubdomain: sbcFields.teamsSubdomain.optional(),
  maxCalls: sbcFields.maxCalls.optional(),
  maxBandwidthKbps: sbcFields.maxBandwidthKbps.optional(),
  callerIdPolicy: sbcFields.callerIdPolicy.default('reject'),
  callerIdRewriteTo: sbcFields.callerIdRewriteTo.optional(),
  dialPlan: sbcFields.dialPlan.default([]),
});

export const tenantPatchSchema = z
  .strictObject({ name: displayName, status, ...sbcFields })
  .partial();

export const tenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  status,
  ...sbcFields,
  revision: z.number().int(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
