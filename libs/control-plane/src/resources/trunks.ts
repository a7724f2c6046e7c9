import { z } from 'zod';
import { sites, trunks } from '@ccx/persistence';
import {
  displayName,
  refField,
  storedFields,
  type ResourceDef,
  type ReferenceCheck,
} from './resource-def';
import { headerRules, ipAddress, kbps, network, tlsName } from './sbc-fields';

const dottedNumbers = /^[0-9.]+$/;
const host = z
  .union([z.ipv4(), z.ipv6(), z.hostname()])
  .refine(
    (h) => !dottedNumbers.test(h) || z.ipv4().safeParse(h).success,
    'not a valid IPv4 address',
  )
  .meta({ description: 'Host name or IP address of the SIP peer.', example: 'sip.example.net' });

const fields = {
  name: displayName.meta({ example: 'itsp-de' }),
  kind: z
    .enum(['itsp', 'pbx', 'teams'])
    .meta({ description: 'Carrier (ITSP), customer PBX, or Teams Direct Routing.' }),
  siteId: refField('site'),
  host,
  port: z.number().int().min(1).max(65535).meta({ example: 5061 }),
  transport: z.enum(['udp', 'tcp', 'tls']),
  maxChannels: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .meta({ description: 'Simultaneous calls the trunk carries (admission control).' }),
  codecs: z
    .array(z.enum(['PCMA', 'PCMU']))
    .min(1)
    .max(2)
    .refine((c) => new Set(c).size === c.length, 'each codec at most once')
    .meta({ description: 'G.711 A-law (PCMA) and/or µ-law (PCMU), in order of preference.' }),
  enabled: z.boolean(),
  address: ipAddress
    .nullable()
    .meta({ description: 'IP address to send to instead of resolving `host` (split DNS).' }),
  sources: z.array(network).max(100).meta({
    description:
      'Addresses or networks allowed to send calls on this trunk (ACL); empty: `address` or `host`.',
  }),
  tlsNames: z
    .array(tlsName)
    .max(100)
    .meta({ description: 'Certificate names (CN or DNS SAN) accepted on TLS from this trunk.' }),
  maxBandwidthKbps: kbps.nullable().meta({
    description: 'Bandwidth budget of the trunk in kbit/s (see GET /v1/bandwidth); none if null.',
  }),
  ptime: z
    .number()
    .int()
    .min(10)
    .max(60)
    .meta({ description: 'Packetisation (ms) assumed when the SDP gives none.', example: 20 }),
  priority: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .meta({ description: 'Lower is tried first among trunks that qualify.', example: 100 }),
  headerRules: headerRules.meta({
    description:
      'Header manipulation rules; Via, From, To, Call-ID, CSeq, Max-Forwards and ' +
      'Content-Length cannot be touched.',
  }),
};

export const trunkResource: ResourceDef = {
  resource: 'trunk',
  path: 'trunks',
  singular: 'trunk',
  schemaName: 'Trunk',
  tag: 'Trunks',
  table: trunks,
  create: z.strictObject({
    ...fields,
    siteId: fields.siteId.optional(),
    codecs: fields.codecs.default(['PCMA', 'PCMU']),
    enabled: fields.enabled.default(true),
    address: fields.address.optional(),
    sources: fields.sources.default([]),
    tlsNames: fields.tlsNames.default([]),
    maxBandwidthKbps: fields.maxBandwidthKbps.optional(),
    ptime: fields.ptime.default(20),
    priority: fields.priority.default(100),
    headerRules: fields.headerRules.default([]),
  }),
  patch: z.strictObject(fields).partial(),
  output: z.object({ ...storedFields, ...fields, name: z.string(), host: z.string() }),
  references: (input): ReferenceCheck[] =>
    typeof input['siteId'] === 'string'
      ? [{ field: 'siteId', table: sites, what: 'site', id: input['siteId'] }]
      : [],
};
