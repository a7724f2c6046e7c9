import { sql } from 'drizzle-orm';
import { index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './tenancy';

/**
 * A tenant's Microsoft 365 connection: its Entra tenant, the app registration we act as, and
 * that app's credential. At most one per tenant, and an Entra tenant belongs to at most one of
 * our tenants (it decides which tenant an Entra token acts for). Secrets are sealed with the
 * MASTER_KEY (SecretBox) and never leave the service.
 */
export const m365Connections = pgTable('m365_connections', {
  id: uuid('id')
    .primaryKey()
    .default(sql`gen_random_uuid()`),
  tenantId: text('tenant_id')
    .notNull()
    .unique('m365_connections_tenant_unique')
    .references(() => tenants.id, { onDelete: 'cascade' }),
  /** The customer's Entra tenant id (GUID, lower-case). */
  entraTenantId: text('entra_tenant_id').notNull().unique('m365_connections_entra_tenant_unique'),
  /** The application (client) id of the app registration. */
  clientId: text('client_id').notNull(),
  credentialKind: text('credential_kind', { enum: ['secret', 'certificate'] }).notNull(),
  /** Sealed JSON: `{ secret }` or `{ privateKeyPem, certificatePem, thumbprintSha256 }`. */
  credentialCiphertext: text('credential_ciphertext').notNull(),
  /** Shown instead of the credential: last 4 characters of a secret, or the thumbprint. */
  credentialHint: text('credential_hint').notNull(),
  status: text('status', { enum: ['pending-consent', 'connected', 'failed'] })
    .notNull()
    .default('pending-consent'),
  statusDetail: text('status_detail'),
  consentedAt: timestamp('consented_at', { withTimezone: true, mode: 'date' }),
  testedAt: timestamp('tested_at', { withTimezone: true, mode: 'date' }),
  /** Sealed serialized MSAL token cache of the delegated service sign-in (refresh token). */
  delegatedCacheCiphertext: text('delegated_cache_ciphertext'),
  delegatedUsername: text('delegated_username'),
  delegatedSignedInAt: timestamp('delegated_signed_in_at', { withTimezone: true, mode: 'date' }),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  revision: integer('revision').notNull().default(1),
});

/**
 * Short-lived state of a browser round trip to Entra ID (admin consent, sign-ins): the `state`
 * value sent, and the PKCE verifier (sealed). Consumed once by the callback.
 */
export const m365AuthRequests = pgTable(
  'm365_auth_requests',
  {
    state: text('state').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    purpose: text('purpose', {
      enum: ['admin-consent', 'service-sign-in', 'user-sign-in'],
    }).notNull(),
    verifierCiphertext: text('verifier_ciphertext'),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('m365_auth_requests_expires_idx').on(t.expiresAt)],
);
