// The SBC's configuration model: one validated shape, whether it comes from a YAML file
// (`sbc --config sbc.yaml`) or from the control-plane API's live projection. docs/sbc.md.
import { z } from 'zod';

const e164 = z.string().regex(/^\+[1-9][0-9]{1,14}$/, 'an E.164 number such as +4930123400');
const hostName = z.string().min(1).max(253);
const port = z.number().int().min(1).max(65535);
const transport = z.enum(['udp', 'tcp', 'tls']);
const codec = z.enum(['PCMA', 'PCMU']);
/** An IPv4/IPv6 address or CIDR network (`192.0.2.10`, `52.112.0.0/14`, `2001:db8::/32`). */
const network = z.string().min(2).max(64);
const id = z.string().min(1).max(128);

/** Ordered number normalisation rule (Teams/Lync style): first match wins. */
export const dialRule = z.object({
  name: z.string().min(1).max(100).optional(),
  /** JavaScript regular expression, matched against the whole number (anchor it). */
  pattern: z.string().min(1).max(500),
  /** Replacement with `$1`…`$9` groups; the result must be `+E.164` for calls to Teams. */
  translation: z.string().max(200),
});
export type DialRule = z.output<typeof dialRule>;

/** Per-trunk header manipulation, applied to requests and responses crossing that trunk. */
export const headerRule = z.object({
  /** `in`: as received from the trunk, before routing; `out`: just before sending to it. */
  direction: z.enum(['in', 'out']),
  action: z.enum(['add', 'remove', 'rewrite']),
  header: z.string().min(1).max(100),
  /** add: the value (also `${from.user}`, `${to.user}`, `${tenant}` placeholders); rewrite: replacement. */
  value: z.string().max(1000).optional(),
  /** rewrite: regex applied to each value of the header (default: the whole value). */
  match: z.string().max(500).optional(),
  /** Which messages: methods (`INVITE`) and/or `responses`; default all. */
  methods: z.array(z.string().min(1).max(32)).optional(),
});
export type HeaderRule = z.output<typeof headerRule>;

export const siteConfig = z.object({
  id,
  name: z.string().min(1).max(200),
  kind: z.enum(['central', 'branch']),
  /** ISO 3166-1 alpha-2. */
  country: z.string().regex(/^[A-Z]{2}$/),
  /** Calls from this site egress only through trunks in the site's country (legal local breakout). */
  localEgress: z.boolean().default(false),
});
export type SiteConfig = z.output<typeof siteConfig>;

export const trunkConfig = z.object({
  id,
  name: z.string().min(1).max(200),
  kind: z.enum(['itsp', 'pbx']),
  siteId: id.optional(),
  /** Host name or IP of the peer: Request-URI host, TLS name to verify, and (unless `address`) where to send. */
  host: hostName,
  port: port.default(5060),
  transport: transport.default('udp'),
  /** IP to send to instead of resolving `host` (tests, split DNS). */
  address: z.string().optional(),
  /** Source addresses or networks allowed to send calls on this trunk (ACL); default: `address`/`host`. */
  sources: z.array(network).default([]),
  /** Certificate names (CN or DNS SAN) accepted on TLS connections from this trunk. */
  tlsNames: z.array(hostName).default([]),
  maxChannels: z.number().int().min(1).max(100_000).default(100),
  /** Bandwidth budget for the trunk's calls in kbit/s (IP level, both directions); none if absent. */
  maxBandwidthKbps: z.number().int().positive().optional(),
  codecs: z.array(codec).min(1).max(2).default(['PCMA', 'PCMU']),
  /** Packetisation the trunk uses (ms), for the bandwidth estimate when the SDP has no ptime. */
  ptime: z.number().int().min(10).max(60).default(20),
  /** Lower tries first among trunks that qualify. */
  priority: z.number().int().min(0).max(1000).default(100),
  enabled: z.boolean().default(true),
  /** Send OPTIONS keep-alives to this trunk (off for carriers that refuse them; health stays up). */
  ping: z.boolean().default(true),
  headerRules: z.array(headerRule).default([]),
});
export type TrunkConfig = z.output<typeof trunkConfig>;

export const numberRangeConfig = z.object({
  first: e164,
  last: e164,
  siteId: id.optional(),
  trunkId: id.optional(),
  purpose: z.enum(['did', 'queue', 'agent', 'caller-id']).default('did'),
});
export type NumberRangeConfig = z.output<typeof numberRangeConfig>;

export const tenantConfig = z.object({
  id,
  name: z.string().min(1).max(200).optional(),
  /** Left-most label of the tenant's Direct Routing FQDN: `<teamsSubdomain>.<teams.baseDomain>`. */
  teamsSubdomain: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a DNS label (lower-case letters, digits, -)')
    .optional(),
  /** Concurrent calls across all the tenant's trunks and Teams; none if absent. */
  maxCalls: z.number().int().positive().optional(),
  maxBandwidthKbps: z.number().int().positive().optional(),
  /** A From number the tenant does not own: refuse with 403, or rewrite to `rewriteTo`. */
  callerId: z
    .object({
      policy: z.enum(['reject', 'rewrite', 'allow']).default('reject'),
      rewriteTo: e164.optional(),
    })
    .refine((c) => c.policy !== 'rewrite' || c.rewriteTo !== undefined, {
      message: 'rewriteTo is required with policy rewrite',
      path: ['rewriteTo'],
    })
    .default({ policy: 'reject' }),
  /** Applied to called and calling numbers of calls from trunks and Teams, before routing. */
  dialPlan: z.array(dialRule).default([]),
  sites: z.array(siteConfig).default([]),
  trunks: z.array(trunkConfig).default([]),
  numberRanges: z.array(numberRangeConfig).default([]),
});
export type TenantConfig = z.output<typeof tenantConfig>;

const teamsProxy = z.object({
  host: hostName,
  port: port.default(5061),
  address: z.string().optional(),
});
export type TeamsProxy = z.output<typeof teamsProxy>;

export const MICROSOFT_PROXIES: TeamsProxy[] = [
  { host: 'sip.pstnhub.microsoft.com', port: 5061 },
  { host: 'sip2.pstnhub.microsoft.com', port: 5061 },
  { host: 'sip3.pstnhub.microsoft.com', port: 5061 },
];

export const MICROSOFT_TLS_NAMES: string[] = [
  'sip.pstnhub.microsoft.com',
  'sip2.pstnhub.microsoft.com',
  'sip3.pstnhub.microsoft.com',
  '*.pstnhub.microsoft.com',
];

export const sbcSettings = z.object({
  teams: z
    .object({
      /** The carrier's base domain (wildcard certificate `*.<baseDomain>`). */
      baseDomain: hostName.optional(),
      /** Tried in order; failover on timeout, 408, 5xx (503 with Retry-After included), never after 603. */
      proxies: z.array(teamsProxy).min(1).default(MICROSOFT_PROXIES),
      /** Where Teams signalling comes from (ACL and attribution): Microsoft's documented ranges. */
      sources: z.array(network).default(['52.112.0.0/14', '52.122.0.0/15']),
      /** Certificate names accepted from Teams on TLS. */
      tlsNames: z.array(hostName).default(MICROSOFT_TLS_NAMES),
    })
    .default({
      proxies: MICROSOFT_PROXIES,
      sources: ['52.112.0.0/14', '52.122.0.0/15'],
      // zod 4 returns an outer default as written: repeat the inner defaults, not [] here.
      tlsNames: MICROSOFT_TLS_NAMES,
    }),
  options: z
    .object({
      /** OPTIONS to every peer this often (Direct Routing expects about one a minute). */
      intervalMs: z.number().int().min(1000).default(60_000),
      /** Consecutive unanswered OPTIONS before a peer is demoted to `down`. */
      downAfter: z.number().int().min(1).default(2),
    })
    .default({ intervalMs: 60_000, downAfter: 2 }),
  /** Requests from sources that match no trunk and no Teams proxy: 403, or no answer at all. */
  unknownSources: z.enum(['reject', 'drop']).default('reject'),
  rateLimit: z
    .object({
      /** New requests (out of dialog) per second per source address, and burst. */
      perSourcePerSecond: z.number().positive().default(200),
      burst: z.number().int().positive().default(400),
    })
    .default({ perSourcePerSecond: 200, burst: 400 }),
  failover: z
    .object({
      statuses: z.array(z.number().int().min(400).max(699)).default([408, 500, 503, 504]),
      /** No provisional answer within this: try the next trunk (Timer B still bounds the attempt). */
      noAnswerMs: z.number().int().min(500).default(4000),
    })
    .default({ statuses: [408, 500, 503, 504], noAnswerMs: 4000 }),
  tenants: z.array(tenantConfig).default([]),
});
export type SbcSettings = z.output<typeof sbcSettings>;
export type SbcSettingsInput = z.input<typeof sbcSettings>;
