import { z } from 'zod';
import { tenantId } from '@ccx/contracts';
import { displayName } from '../resources/resource-def';

const status = z
  .enum(['active', 'suspended'])
  .meta({ description: "A suspended tenant's keys are refused (403)." });

export const tenantCreateSchema = z.strictObject({
  id: tenantId.meta({
    description: 'Lower-case slug, chosen by the operator; part of every API key of the tenant.',
    example: 'contoso',
  }),
  name: displayName.meta({ example: 'Contoso Ltd' }),
  status: status.default('active'),
});

export const tenantPatchSchema = z.strictObject({ name: displayName, status }).partial();

export const tenantSchema = z.object({
  id: z.string(),
  name: z.string(),
  status,
  revision: z.number().int(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
});
