// Builds the SBC's settings from the control-plane API's live configuration (the Redis
// projection of docs/live-config.md). Rows arrive as the API stores them: JSON, camelCase,
// `null` for an unset column. The result is the input of `sbcSettings.parse`, which applies the
// defaults and checks what the API did not (the API validates each row alone).
import type { DialRule, HeaderRule, SbcSettingsInput } from './config';

type Nullable<T> = T | null | undefined;

/** A `tenant` row (GET /v1/tenants/{id}, /live-config/<tenant>/tenant). */
export interface LiveTenantRow {
  id: string;
  name?: Nullable<string>;
  teamsSubdomain?: Nullable<string>;
  maxCalls?: Nullable<number>;
  maxBandwidthKbps?: Nullable<number>;
  callerIdPolicy?: Nullable<'reject' | 'rewrite' | 'allow'>;
  callerIdRewriteTo?: Nullable<string>;
  dialPlan?: Nullable<DialRule[]>;
}

export interface LiveSiteRow {
  id: string;
  tenantId: string;
  name: string;
  kind: 'central' | 'branch';
  country: string;
  localEgress?: Nullable<boolean>;
}

export interface LiveTrunkRow {
  id: string;
  tenantId: string;
  name: string;
  /** `teams` rows describe Direct Routing peers the API knows of; see settingsFromLive. */
  kind: 'itsp' | 'pbx' | 'teams';
  siteId?: Nullable<string>;
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  maxChannels: number;
  codecs: ('PCMA' | 'PCMU')[];
  enabled?: Nullable<boolean>;
  address?: Nullable<string>;
  sources?: Nullable<string[]>;
  tlsNames?: Nullable<string[]>;
  maxBandwidthKbps?: Nullable<number>;
  ptime?: Nullable<number>;
  priority?: Nullable<number>;
  headerRules?: Nullable<HeaderRule[]>;
}

export interface LiveNumberRangeRow {
  tenantId: string;
  firstNumber: string;
  lastNumber: string;
  siteId?: Nullable<string>;
  trunkId?: Nullable<string>;
  purpose?: Nullable<'did' | 'queue' | 'agent' | 'caller-id'>;
}

export interface LiveRows {
  tenants: readonly LiveTenantRow[];
  sites: readonly LiveSiteRow[];
  trunks: readonly LiveTrunkRow[];
  numberRanges: readonly LiveNumberRangeRow[];
}

/** What the API does not hold: Teams proxies and base domain, OPTIONS, rate limits, failover. */
export type SbcBaseSettings = Omit<SbcSettingsInput, 'tenants'>;

type TenantInput = NonNullable<SbcSettingsInput['tenants']>[number];
type TrunkInput = NonNullable<TenantInput['trunks']>[number];

/** Drops `null`/`undefined` values: the settings model says "absent", the database says null. */
function present<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined),
  ) as { [K in keyof T]: Exclude<T[K], null> };
}

/**
 * The SBC settings input for every tenant that has a row or owns objects.
 *
 * Trunks of kind `teams` are skipped: Teams is not a SIP trunk of the tenant here but the shared
 * Direct Routing proxies of `base.teams`, reached through the tenant's `teamsSubdomain`. A number
 * range pointing at a skipped trunk keeps its number but loses the trunk. A trunk without
 * `sources` accepts calls from where it is sent to: `[address ?? host]`.
 */
export function settingsFromLive(rows: LiveRows, base: SbcBaseSettings = {}): SbcSettingsInput {
  const ids = new Set<string>([
    ...rows.tenants.map((t) => t.id),
    ...rows.sites.map((s) => s.tenantId),
    ...rows.trunks.map((t) => t.tenantId),
    ...rows.numberRanges.map((r) => r.tenantId),
  ]);
  const sipTrunks = rows.trunks.filter((t) => t.kind !== 'teams');
  const sipTrunkIds = new Set(sipTrunks.map((t) => t.id));
  const tenants = [...ids].sort().map((id): TenantInput => ({
    ...tenantFields(rows.tenants.find((t) => t.id === id) ?? { id }),
    sites: rows.sites
      .filter((s) => s.tenantId === id)
      .map((s) =>
        present({
          id: s.id,
          name: s.name,
          kind: s.kind,
          country: s.country,
          localEgress: s.localEgress,
        }),
      ),
    trunks: sipTrunks.filter((t) => t.tenantId === id).map(trunkFields),
    numberRanges: rows.numberRanges
      .filter((r) => r.tenantId === id)
      .map((r) =>
        present({
          first: r.firstNumber,
          last: r.lastNumber,
          siteId: r.siteId,
          trunkId: r.trunkId && sipTrunkIds.has(r.trunkId) ? r.trunkId : undefined,
          purpose: r.purpose,
        }),
      ),
  }));
  return { ...base, tenants };
}

function tenantFields(t: LiveTenantRow): TenantInput {
  const policy = t.callerIdPolicy ?? 'reject';
  return {
    ...present({
      id: t.id,
      name: t.name,
      teamsSubdomain: t.teamsSubdomain,
      maxCalls: t.maxCalls,
      maxBandwidthKbps: t.maxBandwidthKbps,
    }),
    callerId: present({ policy, rewriteTo: t.callerIdRewriteTo }),
    dialPlan: t.dialPlan ?? [],
  };
}

function trunkFields(t: LiveTrunkRow): TrunkInput {
  const kind = t.kind === 'pbx' ? 'pbx' : 'itsp';
  const sources = t.sources?.length ? t.sources : [t.address ?? t.host];
  return {
    ...present({
      id: t.id,
      name: t.name,
      siteId: t.siteId,
      host: t.host,
      port: t.port,
      transport: t.transport,
      address: t.address,
      maxChannels: t.maxChannels,
      maxBandwidthKbps: t.maxBandwidthKbps,
      codecs: t.codecs,
      ptime: t.ptime,
      priority: t.priority,
      enabled: t.enabled,
    }),
    kind,
    sources,
    tlsNames: t.tlsNames ?? [],
    headerRules: t.headerRules ?? [],
  };
}
