import { z } from 'zod';
import { credentialInputSchema } from '@ccx/auth';

const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    message: 'must be a GUID',
  })
  .transform((s) => s.toLowerCase());

export const connectionInputSchema = z.strictObject({
  entraTenantId: guid.meta({ description: "The customer's Entra tenant id (Directory ID)." }),
  clientId: guid.meta({ description: 'Application (client) id of the app registration.' }),
  credential: credentialInputSchema,
});

export const connectionStatuses = ['pending-consent', 'connected', 'failed'] as const;

export const connectionSchema = z.object({
  id: z.uuid(),
  entraTenantId: z.string(),
  clientId: z.string(),
  credential: z.object({
    kind: z.enum(['secret', 'certificate']),
    hint: z
      .string()
      .meta({ description: 'Last 4 characters of the secret, or the SHA-256 thumbprint.' }),
  }),
  status: z.enum(connectionStatuses),
  statusDetail: z.string().nullable(),
  consentedAt: z.string().nullable(),
  testedAt: z.string().nullable(),
  serviceSignIn: z
    .object({ username: z.string().nullable(), signedInAt: z.string().nullable() })
    .nullable()
    .meta({ description: 'The delegated service sign-in, when done.' }),
  revision: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const authorizeUrlSchema = z.object({
  url: z.url().meta({ description: 'Send the browser there.' }),
  expiresAt: z.string().meta({ description: 'The round trip must end before this time.' }),
});

export const connectionTestSchema = z.object({
  ok: z.boolean(),
  applicationPermissions: z
    .array(z.string())
    .meta({ description: 'Graph application permissions in the token (roles).' }),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const consentCallbackQuery = z.object({
  state: z.string().optional(),
  tenant: z.string().optional(),
  admin_consent: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});

export const codeCallbackQuery = z.object({
  state: z.string().optional(),
  code: z.string().optional(),
  error: z.string().optional(),
  error_description: z.string().optional(),
});
