import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** Bumped on every update; carried in config.changed so consumers can ignore stale news. */
  revision: integer('revision').notNull().default(1),
};

/** An ordered number normalisation rule of a tenant's dial plan (first match wins). */
export interface DialRuleRow {
  name?: string;
  pattern: string;
  translation: string;
}

/** A per-trunk SIP header manipulation rule (the SBC applies them; docs/configuration.md). */
export interface HeaderRuleRow {
  direction: 'in' | 'out';
  action: 'add' | 'remove' | 'rewrite';
  header: string;
  value?: string;
  match?: string;
  methods?: string[];
}

export const tenants = pgTable(
  'tenants',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    status: text('status', { enum: ['active', 'suspended'] })
      .notNull()
      .default('active'),
    /** Left-most label of the tenant's Direct Routing FQDN; unique when set. */
    teamsSubdomain: text('teams_subdomain'),
    /** Concurrent calls across the tenant's trunks and Teams; no limit when null. */
    maxCalls: integer('max_calls'),
    maxBandwidthKbps: integer('max_bandwidth_kbps'),
    /** A From number the tenant does not own: refuse, rewrite to caller_id_rewrite_to, or allow. */
    callerIdPolicy: text('caller_id_policy', { enum: ['reject', 'rewrite', 'allow'] })
      .notNull()
      .default('reject'),
    callerIdRewriteTo: text('caller_id_rewrite_to'),
    dialPlan: jsonb('dial_plan')
      .$type<DialRuleRow[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    ...timestamps,
  },
  (t) => [
    index('tenants_list_idx').on(t.createdAt, t.id),
    uniqueIndex('tenants_teams_subdomain_uq').on(t.teamsSubdomain),
  ],
);

/** Lists page through a tenant's rows in (created_at, id) order (keyset pagination). */
const listIndex = (
  table: string,
  t: { tenantId: AnyPgColumn; createdAt: AnyPgColumn; id: AnyPgColumn },
) => index(`${table}_tenant_list_idx`).on(t.tenantId, t.createdAt, t.id);

/** Every tenant-owned table starts with these two columns; (tenant_id, id) is the key used. */
const owned = {
  id: uuid('id')
    .primaryKey()
    .default(sql`gen_random_uuid()`),
  tenantId: text('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' }),
};

export const apiKeys = pgTable(
  'api_keys',
  {
    ...owned,
    name: text('name').notNull(),
    /** The first characters of the key, shown in listings so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the full key; the key itself is shown once and never stored. */
    hash: text('hash').notNull(),
    scopes: text('scopes').array().notNull(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('api_keys_hash_uq').on(t.hash),
    index('api_keys_tenant_idx').on(t.tenantId),
    listIndex('api_keys', t),
  ],
);

export const sites = pgTable(
  'sites',
  {
    ...owned,
    name: text('name').notNull(),
    kind: text('kind', { enum: ['central', 'branch'] }).notNull(),
    /** ISO 3166-1 alpha-2. */
    country: text('country').notNull(),
    /** Calls from this site egress only through trunks in the site's country. */
    localEgress: boolean('local_egress').notNull().default(false),
    ...timestamps,
  },
  (t) => [uniqueIndex('sites_tenant_name_uq').on(t.tenantId, t.name), listIndex('sites', t)],
);

export const trunks = pgTable(
  'trunks',
  {
    ...owned,
    name: text('name').notNull(),
    kind: text('kind', { enum: ['itsp', 'pbx', 'teams'] }).notNull(),
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'set null' }),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    transport: text('transport', { enum: ['udp', 'tcp', 'tls'] }).notNull(),
    maxChannels: integer('max_channels').notNull(),
    codecs: text('codecs').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Source addresses/networks allowed to send on this trunk (ACL); empty: address or host. */
    sources: text('sources')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Certificate names accepted on TLS connections from this trunk. */
    tlsNames: text('tls_names')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    maxBandwidthKbps: integer('max_bandwidth_kbps'),
    ptime: integer('ptime').notNull().default(20),
    /** Lower tries first among trunks that qualify. */
    priority: integer('priority').notNull().default(100),
    /** IP to send to instead of resolving host. */
    address: text('address'),
    headerRules: jsonb('header_rules')
      .$type<HeaderRuleRow[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    ...timestamps,
  },
  (t) => [uniqueIndex('trunks_tenant_name_uq').on(t.tenantId, t.name), listIndex('trunks', t)],
);

export const numberRanges = pgTable(
  'number_ranges',
  {
    ...owned,
    /** First and last number of the range, E.164 with the same length. */
    firstNumber: text('first_number').notNull(),
    lastNumber: text('last_number').notNull(),
    trunkId: uuid('trunk_id').references(() => trunks.id, { onDelete: 'set null' }),
    siteId: uuid('site_id').references(() => sites.id, { onDelete: 'set null' }),
    purpose: text('purpose', { enum: ['did', 'queue', 'agent', 'caller-id'] }).notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('number_ranges_tenant_first_uq').on(t.tenantId, t.firstNumber),
    listIndex('number_ranges', t),
  ],
);

export const skills = pgTable(
  'skills',
  {
    ...owned,
    name: text('name').notNull(),
    description: text('description'),
    ...timestamps,
  },
  (t) => [uniqueIndex('skills_tenant_name_uq').on(t.tenantId, t.name), listIndex('skills', t)],
);

export const queues = pgTable(
  'queues',
  {
    ...owned,
    name: text('name').notNull(),
    strategy: text('strategy', {
      enum: ['longest-idle', 'round-robin', 'skills-weighted'],
    }).notNull(),
    /** [{ skillId, minLevel }] */
    requiredSkills: jsonb('required_skills')
      .$type<{ skillId: string; minLevel: number }[]>()
      .notNull(),
    maxWaitSeconds: integer('max_wait_seconds').notNull(),
    overflowQueueId: uuid('overflow_queue_id'),
    ...timestamps,
  },
  (t) => [uniqueIndex('queues_tenant_name_uq').on(t.tenantId, t.name), listIndex('queues', t)],
);

export const agents = pgTable(
  'agents',
  {
    ...owned,
    displayName: text('display_name').notNull(),
    /** Microsoft 365 user principal name used for sign-in. */
    upn: text('upn').notNull(),
    teamsUserId: text('teams_user_id'),
    /** [{ skillId, level }] */
    skills: jsonb('skills').$type<{ skillId: string; level: number }[]>().notNull(),
    maxConcurrent: integer('max_concurrent').notNull().default(1),
    ...timestamps,
  },
  (t) => [uniqueIndex('agents_tenant_upn_uq').on(t.tenantId, t.upn), listIndex('agents', t)],
);

export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tenantId: text('tenant_id').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status'),
    responseBody: jsonb('response_body'),
    createdAt: timestamps.createdAt,
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

/** Inbox for idempotent event handlers: a (consumer, eventId) row means "already applied". */
export const processedEvents = pgTable(
  'processed_events',
  {
    consumer: text('consumer').notNull(),
    eventId: uuid('event_id').notNull(),
    processedAt: timestamps.createdAt,
  },
  (t) => [primaryKey({ columns: [t.consumer, t.eventId] })],
);
