import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
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
    /** Purpose `queue`: calls to the range go to this queue, or through this flow (one of them). */
    queueId: uuid('queue_id').references((): AnyPgColumn => queues.id),
    flowId: uuid('flow_id').references((): AnyPgColumn => flows.id),
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

/** A skill an agent needs, at least at `minLevel` (1–5). */
export interface SkillRequirementRow {
  skillId: string;
  minLevel: number;
}

/** What a queue does with a call that waited too long or found the queue full. */
export interface OverflowRow {
  kind: 'queue' | 'number' | 'teams-user' | 'voicemail' | 'disconnect';
  target?: string;
  prompt?: string;
}

/** Opening hours in the tenant's zone (`businessHours` of @ccx/routing-model). */
export interface BusinessHoursRow {
  timeZone: string;
  weekly: Record<
    'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun',
    { from: string; to: string }[]
  >;
  holidays: string[];
}

/** Field names and meanings follow `queueConfig` of @ccx/routing-model (docs/routing.md). */
export const queues = pgTable(
  'queues',
  {
    ...owned,
    name: text('name').notNull(),
    method: text('method', {
      enum: ['longest-idle', 'round-robin', 'serial', 'ring-all', 'most-proficient'],
    }).notNull(),
    requiredSkills: jsonb('required_skills').$type<SkillRequirementRow[]>().notNull(),
    /** [{ afterSeconds, requiredSkills }]: requirements relaxed after a wait. */
    escalation: jsonb('escalation')
      .$type<{ afterSeconds: number; requiredSkills: SkillRequirementRow[] }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    priorityAgingPerMinute: doublePrecision('priority_aging_per_minute').notNull().default(0),
    maxSize: integer('max_size').notNull().default(100),
    maxWaitSeconds: integer('max_wait_seconds').notNull(),
    overflow: jsonb('overflow')
      .$type<OverflowRow>()
      .notNull()
      .default(sql`'{"kind":"disconnect"}'::jsonb`),
    /** Null: open around the clock. */
    hours: jsonb('hours').$type<BusinessHoursRow>(),
    offerTimeoutSeconds: integer('offer_timeout_seconds').notNull().default(20),
    wrapUpSeconds: integer('wrap_up_seconds').notNull().default(0),
    presenceAware: boolean('presence_aware').notNull().default(true),
    /** Agent ids in offer order (serial method). */
    serialOrder: jsonb('serial_order')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    serviceLevelSeconds: integer('service_level_seconds').notNull().default(20),
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
    /** [{ skillId, level 1–5 }] */
    skills: jsonb('skills').$type<{ skillId: string; level: number }[]>().notNull(),
    /** Interactions at once per channel: voice 0 or 1, chat 0–20. */
    capacity: jsonb('capacity')
      .$type<{ voice: number; chat: number }>()
      .notNull()
      .default(sql`'{"voice":1,"chat":0}'::jsonb`),
    /** Queue ids the agent is never offered from. */
    optOutQueues: jsonb('opt_out_queues')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** Auto-pause after this many missed offers in a row; 0 = never. */
    maxMissedOffers: integer('max_missed_offers').notNull().default(3),
    /** The Teams user's Direct Routing number (E.164) that sbc.connect dials. */
    phoneNumber: text('phone_number'),
    ...timestamps,
  },
  (t) => [uniqueIndex('agents_tenant_upn_uq').on(t.tenantId, t.upn), listIndex('agents', t)],
);

/** A virtual-assistant flow: `definition` is a `flowDefinition` of @ccx/routing-model. */
export const flows = pgTable(
  'flows',
  {
    ...owned,
    name: text('name').notNull(),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
    ...timestamps,
  },
  (t) => [uniqueIndex('flows_tenant_name_uq').on(t.tenantId, t.name), listIndex('flows', t)],
);

/** A subject-matter expert: a Teams user tagged with topics, reachable on `phoneNumber`. */
export const experts = pgTable(
  'experts',
  {
    ...owned,
    displayName: text('display_name').notNull(),
    /** Entra ID object id of the Teams user. */
    userId: text('user_id').notNull(),
    phoneNumber: text('phone_number').notNull(),
    topics: text('topics').array().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('experts_tenant_user_uq').on(t.tenantId, t.userId),
    index('experts_topics_idx').using('gin', t.topics),
    listIndex('experts', t),
  ],
);

/**
 * Historical queue statistics per 15-minute interval, written by the routing service. Rows outlive
 * their queue (no foreign key to queues), so history survives a deleted queue.
 */
export const queueIntervals = pgTable(
  'queue_intervals',
  {
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    queueId: uuid('queue_id').notNull(),
    intervalStart: timestamp('interval_start', { withTimezone: true, mode: 'date' }).notNull(),
    /** The interval's start on the tenant's wall clock, e.g. `2026-03-29 02:15`. */
    label: text('label').notNull(),
    offered: integer('offered').notNull().default(0),
    answered: integer('answered').notNull().default(0),
    abandoned: integer('abandoned').notNull().default(0),
    shortAbandoned: integer('short_abandoned').notNull().default(0),
    answeredWithinSl: integer('answered_within_sl').notNull().default(0),
    waitMsSum: bigint('wait_ms_sum', { mode: 'number' }).notNull().default(0),
    handleMsSum: bigint('handle_ms_sum', { mode: 'number' }).notNull().default(0),
    busyMs: bigint('busy_ms', { mode: 'number' }).notNull().default(0),
    staffedMs: bigint('staffed_ms', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.queueId, t.intervalStart] })],
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
