import { z } from 'zod';
import { callBandwidth, type Bandwidth } from '@ccx/sdp';
import { trunks } from '@ccx/persistence';
import type { TenantScope } from '../persistence/tenant-scope';
import { validationProblem } from '../problem/problem';
import { parseOrThrow } from '../problem/zod-issues';

/** Query of GET /v1/bandwidth (all strings on the wire). */
export const bandwidthQuerySchema = z.strictObject({
  codec: z.enum(['PCMA', 'PCMU']).default('PCMA').meta({ description: 'G.711 A-law or µ-law.' }),
  ptime: z.coerce
    .number()
    .int()
    .min(10)
    .max(60)
    .optional()
    .meta({ description: "Packetisation in ms, 10–60; default the trunk's ptime, else 20." }),
  ip: z
    .enum(['4', '6'])
    .default('4')
    .transform(Number)
    .meta({ description: 'IP version of the media packets.' }),
  srtp: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .meta({ description: 'SRTP with an 80-bit tag (AES_CM_128_HMAC_SHA1_80, as Teams uses).' }),
  linkBytes: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(0)
    .meta({ description: 'Link-layer bytes per packet to add (Ethernet II: 38).' }),
  channels: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .meta({ description: "Concurrent calls for the total; default the trunk's maxChannels." }),
  trunkId: z.uuid().optional().meta({ description: 'A trunk of the tenant: its figure.' }),
});

export const bandwidthSchema = z.object({
  codec: z.enum(['PCMA', 'PCMU']),
  ptime: z.number().int(),
  ip: z.union([z.literal(4), z.literal(6)]),
  srtp: z.boolean(),
  linkBytes: z.number().int(),
  payloadBytes: z.number().int().meta({ description: 'Bytes of G.711 per packet.' }),
  headerBytes: z
    .number()
    .int()
    .meta({ description: 'RTP + UDP + IP (+ SRTP tag, + link) bytes per packet.' }),
  packetsPerSecond: z.number(),
  codecKbps: z.number().meta({ description: 'Payload bit rate (64 for G.711).' }),
  kbps: z.number().meta({ description: 'One call, one direction, on the wire (kbit/s).' }),
  trunkId: z.uuid().optional(),
  channels: z.number().int().optional(),
  totalKbps: z
    .number()
    .optional()
    .meta({ description: '`channels` × `kbps`: the budget for that many calls, per direction.' }),
});
export type BandwidthFigure = z.output<typeof bandwidthSchema>;

/**
 * The per-call bit rate the SBC's admission control counts against trunk and tenant budgets
 * (@ccx/sdp callBandwidth), and, for a trunk or a channel count, the total.
 */
export async function bandwidthFigure(
  scope: TenantScope,
  query: unknown,
): Promise<BandwidthFigure> {
  const q = parseOrThrow(bandwidthQuerySchema, query ?? {});
  const trunk = q.trunkId ? await scope.get(trunks, q.trunkId) : undefined;
  if (q.trunkId && !trunk) {
    throw validationProblem([{ field: 'trunkId', message: `no trunk with id "${q.trunkId}"` }]);
  }
  const ptime = q.ptime ?? trunk?.ptime ?? 20;
  const ip = q.ip === 6 ? 6 : 4;
  const call = callBandwidth({
    codec: q.codec,
    ptimeMs: ptime,
    ipVersion: ip,
    srtpTagBytes: q.srtp ? 10 : 0,
    linkBytes: q.linkBytes,
  });
  const channels = q.channels ?? trunk?.maxChannels;
  return {
    codec: q.codec,
    ptime,
    ip,
    srtp: q.srtp,
    linkBytes: q.linkBytes,
    ...call,
    ...(trunk ? { trunkId: trunk.id } : {}),
    ...(channels !== undefined
      ? { channels, totalKbps: Math.round(channels * exactKbps(call) * 100) / 100 }
      : {}),
  };
}

/** `kbps` before rounding, so a total is not the rounding error times the channels. */
function exactKbps(call: Bandwidth): number {
  return ((call.payloadBytes + call.headerBytes) * 8 * call.packetsPerSecond) / 1000;
}
