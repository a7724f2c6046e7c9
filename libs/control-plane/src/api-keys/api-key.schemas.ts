import { z } from 'zod';
import { apiKeyScopes } from '@ccx/security';
import { displayName, objectId } from '../resources/resource-def';

export const scopeSchema = z.enum(apiKeyScopes).meta({
  description:
    'config:read (GET config), config:write (change config), keys:manage (API keys), ' +
    'webhooks:manage (webhook subscriptions), events:read (deliveries and events).',
});

const scopes = z
  .array(scopeSchema)
  .min(1)
  .refine((s) => new Set(s).size === s.length, 'each scope at most once');

export const apiKeyCreateSchema = z.strictObject({
  name: displayName.meta({ example: 'crm integration' }),
  scopes: scopes.default([...apiKeyScopes]).meta({ description: 'Defaults to every scope.' }),
});

export const apiKeyPatchSchema = z.strictObject({ name: displayName }).partial();

export const apiKeySchema = z.object({
  id: objectId,
  name: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the key, to tell keys apart.' }),
  scopes: z.array(scopeSchema),
  revision: z.number().int(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  lastUsedAt: z.iso
    .datetime({ offset: true })
    .nullable()
    .meta({ description: 'Last request made with the key (updated at most once a minute).' }),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
});

export const apiKeyCreatedSchema = apiKeySchema.extend({
  key: z.string().meta({
    description: 'The key itself. Shown in this response only; store it now.',
    example: 'ccx_contoso_Qm9vb...',
  }),
});
