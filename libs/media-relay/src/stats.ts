// Per-leg statistics as the media.query / media.delete replies carry them, with a MOS from the
// simplified G.107 E-model (libs/rtp e-model.ts) fed by what we measured on that leg.

import type { MediaLegStats } from '@ccx/contracts';
import { g711Mos } from '@ccx/rtp';
import type { Leg } from './leg';

/** The shape is the contract's (`mediaLegStats` in @ccx/contracts), not restated here. */
export type LegStats = MediaLegStats;

/** Packetisation (20 ms) plus a typical jitter buffer of twice the measured jitter, at least 20 ms. */
const playoutDelayMs = (jitterMs: number) => 20 + Math.max(20, 2 * jitterMs);

export function legStats(leg: Leg): LegStats {
  const s = leg.stats;
  const expected = s?.expected ?? 0;
  const lost = s?.cumulativeLost ?? 0;
  const fractionLost = expected > 0 ? Math.min(1, Math.max(0, lost / expected)) : 0;
  const jitterMs = s !== undefined ? (s.jitter / 8000) * 1000 : 0;
  const remote = leg.latched ?? leg.media?.rtp;
  const mos =
    s !== undefined && s.received > 0
      ? g711Mos({
          oneWayDelayMs: (leg.rttMs ?? 0) / 2 + playoutDelayMs(jitterMs),
          packetLossPercent: fractionLost * 100,
        })
      : undefined;
  return {
    remote: remote ? `${remote.address}:${remote.port}` : undefined,
    latched: leg.latched !== undefined,
    srtp: leg.srtp !== undefined,
    codec: leg.media ? (leg.media.law === 'ulaw' ? 'PCMU' : 'PCMA') : undefined,
    packetsIn: leg.packetsIn,
    packetsOut: leg.out.packets,
    bytesIn: leg.bytesIn,
    bytesOut: leg.bytesOut,
    rtcpIn: leg.rtcpIn,
    rtcpOut: leg.rtcpOut,
    packetsLost: lost,
    fractionLost,
    jitterMs: Math.round(jitterMs * 1000) / 1000,
    rttMs: leg.rttMs !== undefined ? Math.round(leg.rttMs * 1000) / 1000 : undefined,
    mos: mos !== undefined ? Math.round(mos * 100) / 100 : undefined,
    dropped: { ...leg.dropped },
    dtmfDigits: leg.digits,
  };
}
