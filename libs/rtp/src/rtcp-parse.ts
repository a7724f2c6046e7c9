// RTCP compound packet parser with the validity checks of RFC 3550 Appendix A.2. Never throws;
// allocation is bounded by the input (at most one object per 4 bytes received).

import { readUint16, readUint32 } from './rtp-packet';
import {
  RTCP_BYE,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  SDES_CNAME,
  type ReportBlock,
  type RtcpDropReason,
  type RtcpPacket,
  type RtcpParseResult,
  type SdesChunk,
} from './rtcp-types';

const decoder = new TextDecoder('utf-8', { fatal: false });

export interface RtcpParseOptions {
  /**
   * A.2: the first packet of a compound must be an SR or RR. Reduced-size RTCP (RFC 5506) relaxes
   * this; set false to accept it.
   */
  requireReportFirst?: boolean;
}

const drop = (reason: RtcpDropReason): RtcpParseResult => ({ ok: false, reason });

/** Decodes the 24-bit two's-complement cumulative loss field. */
export const decodeCumulativeLost = (field: number): number => ((field & 0xffffff) << 8) >> 8;

function readBlocks(b: Uint8Array, offset: number, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++, offset += 24) {
    blocks.push({
      ssrc: readUint32(b, offset),
      fractionLost: b[offset + 4]!,
      cumulativeLost: decodeCumulativeLost(readUint32(b, offset + 4)),
      extendedHighestSequence: readUint32(b, offset + 8),
      jitter: readUint32(b, offset + 12),
      lastSr: readUint32(b, offset + 16),
      delaySinceLastSr: readUint32(b, offset + 20),
    });
  }
  return blocks;
}

function readSdes(
  b: Uint8Array,
  start: number,
  end: number,
  count: number,
): SdesChunk[] | undefined {
  const chunks: SdesChunk[] = [];
  let o = start + 4;
  for (let c = 0; c < count; c++) {
    if (o + 4 > end) return undefined;
    const chunk: SdesChunk = { ssrc: readUint32(b, o) };
    o += 4;
    for (;;) {
      if (o >= end) return undefined;
      const type = b[o]!;
      if (type === 0) break;
      if (o + 2 > end) return undefined;
      const length = b[o + 1]!;
      if (o + 2 + length > end) return undefined;
      if (type === SDES_CNAME) chunk.cname = decoder.decode(b.subarray(o + 2, o + 2 + length));
      o += 2 + length;
    }
    // The null item ends the chunk; skip to the next 32-bit boundary of the packet.
    o = start + Math.ceil((o + 1 - start) / 4) * 4;
    if (o > end) return undefined;
    chunks.push(chunk);
  }
  return chunks;
}

function readPacket(
  b: Uint8Array,
  start: number,
  end: number,
  count: number,
  packetType: number,
): RtcpPacket | RtcpDropReason {
  const length = end - start;
  switch (packetType) {
    case RTCP_SR: {
      if (length < 28 + 24 * count) return 'bad-report-count';
      return {
        type: 'sr',
        ssrc: readUint32(b, start + 4),
        ntpSeconds: readUint32(b, start + 8),
        ntpFraction: readUint32(b, start + 12),
        rtpTimestamp: readUint32(b, start + 16),
        packetCount: readUint32(b, start + 20),
        octetCount: readUint32(b, start + 24),
        reports: readBlocks(b, start + 28, count),
      };
    }
    case RTCP_RR: {
      if (length < 8 + 24 * count) return 'bad-report-count';
      return {
        type: 'rr',
        ssrc: readUint32(b, start + 4),
        reports: readBlocks(b, start + 8, count),
      };
    }
    case RTCP_SDES: {
      const chunks = readSdes(b, start, end, count);
      return chunks === undefined ? 'bad-sdes' : { type: 'sdes', chunks };
    }
    case RTCP_BYE: {
      const reasonAt = start + 4 + 4 * count;
      if (reasonAt > end) return 'bad-bye';
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(readUint32(b, start + 4 + 4 * i));
      if (reasonAt === end) return { type: 'bye', ssrcs };
      const reasonLength = b[reasonAt]!;
      if (reasonAt + 1 + reasonLength > end) return 'bad-bye';
      return {
        type: 'bye',
        ssrcs,
        reason: decoder.decode(b.subarray(reasonAt + 1, reasonAt + 1 + reasonLength)),
      };
    }
    default:
      return { type: 'other', packetType, count };
  }
}

/** Parses a (compound) RTCP packet into its packets, or the first reason to drop it whole. */
export function parseRtcp(bytes: Uint8Array, options: RtcpParseOptions = {}): RtcpParseResult {
  const total = bytes.length;
  if (total < 4) return drop('short');
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < total) {
    if (offset + 4 > total) return drop('bad-length');
    const b0 = bytes[offset]!;
    if (b0 >>> 6 !== 2) return drop('bad-version');
    const packetType = bytes[offset + 1]!;
    if (
      offset === 0 &&
      options.requireReportFirst !== false &&
      packetType !== RTCP_SR &&
      packetType !== RTCP_RR
    )
      return drop('bad-first-packet');
    const end = offset + 4 * (readUint16(bytes, offset + 2) + 1);
    if (end > total) return drop('bad-length');
    let bodyEnd = end;
    if ((b0 & 0x20) !== 0) {
      // Only the last packet of a compound may be padded (A.2), by 1..(its body) bytes.
      const pad = bytes[end - 1]!;
      if (end !== total || pad === 0 || pad > end - offset - 4) return drop('bad-padding');
      bodyEnd = end - pad;
    }
    const packet = readPacket(bytes, offset, bodyEnd, b0 & 0x1f, packetType);
    if (typeof packet === 'string') return drop(packet);
    packets.push(packet);
    offset = end;
  }
  return { ok: true, packets };
}
