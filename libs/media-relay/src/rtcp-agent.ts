// RTCP on a leg we terminate (RFC 3550 §6): the relay rewrites SSRC, sequence, timestamps and,
// when transcoding, the payload, so the parties' reports would be wrong for the other side and
// are not forwarded. Each leg gets our own SR (or RR while we have sent nothing) with a report
// block about what we receive from that party, plus an SDES CNAME, every ~5 s (randomised
// 0.5–1.5× as §6.3.1 asks, so many calls do not report in lockstep). Incoming reports give us
// the round-trip time (§6.4.1) and the loss the party sees.

import {
  buildCompound,
  buildReceiverReport,
  buildSdesCname,
  buildSenderReport,
  ntpFromUnixMs,
  ntpMiddle32,
  parseRtcp,
  roundTripSeconds,
} from '@ccx/rtp';
import type { Leg } from './leg';

export const RTCP_INTERVAL_MS = 5_000;

export const nextReportDelay = (intervalMs = RTCP_INTERVAL_MS): number =>
  intervalMs * (0.5 + Math.random());

/** Reads an RTCP compound (already SRTCP-unprotected) from the leg's party. */
export function receiveRtcp(leg: Leg, packet: Uint8Array, nowMs: number, unixMs: number): void {
  const result = parseRtcp(packet);
  if (!result.ok) {
    leg.drop(`rtcp-${result.reason}`);
    return;
  }
  leg.rtcpIn++;
  const { ntpSeconds, ntpFraction } = ntpFromUnixMs(unixMs);
  const arrival = ntpMiddle32(ntpSeconds, ntpFraction);
  for (const p of result.packets) {
    if (p.type !== 'sr' && p.type !== 'rr') continue;
    if (p.type === 'sr' && leg.stats?.ssrc === p.ssrc) {
      leg.stats.onSenderReport(p.ntpSeconds, p.ntpFraction, nowMs);
    }
    for (const block of p.reports) {
      if (block.ssrc !== leg.out.ssrc) continue;
      const rtt = roundTripSeconds(arrival, block);
      if (rtt !== undefined) leg.rttMs = rtt * 1000;
      leg.remoteFractionLost = block.fractionLost / 256;
    }
  }
}

/** Our report for the leg's party, as a compound packet (before SRTCP). */
export function buildReport(leg: Leg, cname: string, nowMs: number, unixMs: number): Uint8Array {
  const stats = leg.stats;
  const blocks = stats !== undefined && stats.received > 0 ? [stats.reportBlock(nowMs)] : [];
  const { out } = leg;
  const report =
    out.packets > 0
      ? buildSenderReport(
          out.ssrc,
          {
            ...ntpFromUnixMs(unixMs),
            rtpTimestamp: out.timestampAt(nowMs),
            packetCount: out.packets >>> 0,
            octetCount: out.octets >>> 0,
          },
          blocks,
        )
      : buildReceiverReport(out.ssrc, blocks);
  return buildCompound([report, buildSdesCname(out.ssrc, cname)]);
}
