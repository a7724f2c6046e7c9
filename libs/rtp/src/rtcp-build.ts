// RTCP builders (RFC 3550 §6.4–6.6): SR, RR, SDES CNAME, BYE and compound packets. RTCP goes out a
// few times a minute per leg, so clarity wins over avoiding allocation here.

import { writeUint16, writeUint32 } from './rtp-write';
import {
  RTCP_BYE,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  SDES_CNAME,
  type ReportBlock,
  type SenderInfo,
} from './rtcp-types';

const encoder = new TextEncoder();

function header(out: Uint8Array, count: number, packetType: number): void {
  out[0] = 0x80 | (count & 0x1f);
  out[1] = packetType;
  writeUint16(out, 2, out.length / 4 - 1);
}

/** Clamps cumulative loss to the 24-bit signed field (RFC 3550 A.3) and encodes it. */
export const encodeCumulativeLost = (lost: number): number =>
  Math.max(-0x800000, Math.min(0x7fffff, Math.trunc(lost))) & 0xffffff;

function writeBlock(out: Uint8Array, o: number, b: ReportBlock): void {
  writeUint32(out, o, b.ssrc >>> 0);
  writeUint32(out, o + 4, ((b.fractionLost & 0xff) << 24) | encodeCumulativeLost(b.cumulativeLost));
  writeUint32(out, o + 8, b.extendedHighestSequence >>> 0);
  writeUint32(out, o + 12, Math.min(Math.floor(b.jitter), 0xffffffff) >>> 0);
  writeUint32(out, o + 16, b.lastSr >>> 0);
  writeUint32(out, o + 20, b.delaySinceLastSr >>> 0);
}

const checkCount = (reports: readonly ReportBlock[]): void => {
  // Not hostile input: a caller bug. More than 31 sources need several RR packets (§6.4.2).
  if (reports.length > 31) throw new RangeError('at most 31 report blocks per SR/RR');
};

export function buildSenderReport(
  ssrc: number,
  sender: SenderInfo,
  reports: readonly ReportBlock[] = [],
): Uint8Array {
  checkCount(reports);
  const out = new Uint8Array(28 + 24 * reports.length);
  header(out, reports.length, RTCP_SR);
  writeUint32(out, 4, ssrc >>> 0);
  writeUint32(out, 8, sender.ntpSeconds >>> 0);
  writeUint32(out, 12, sender.ntpFraction >>> 0);
  writeUint32(out, 16, sender.rtpTimestamp >>> 0);
  writeUint32(out, 20, sender.packetCount >>> 0);
  writeUint32(out, 24, sender.octetCount >>> 0);
  reports.forEach((b, i) => writeBlock(out, 28 + 24 * i, b));
  return out;
}

export function buildReceiverReport(
  ssrc: number,
  reports: readonly ReportBlock[] = [],
): Uint8Array {
  checkCount(reports);
  const out = new Uint8Array(8 + 24 * reports.length);
  header(out, reports.length, RTCP_RR);
  writeUint32(out, 4, ssrc >>> 0);
  reports.forEach((b, i) => writeBlock(out, 8 + 24 * i, b));
  return out;
}

/** SDES with one chunk holding a CNAME item (UTF-8, at most 255 bytes), null-terminated and padded. */
export function buildSdesCname(ssrc: number, cname: string): Uint8Array {
  const text = encoder.encode(cname).subarray(0, 255);
  // SSRC + type + length + text + at least one null byte, rounded up to 32 bits.
  const chunkLength = Math.ceil((4 + 2 + text.length + 1) / 4) * 4;
  const out = new Uint8Array(4 + chunkLength);
  header(out, 1, RTCP_SDES);
  writeUint32(out, 4, ssrc >>> 0);
  out[8] = SDES_CNAME;
  out[9] = text.length;
  out.set(text, 10);
  return out;
}

export function buildBye(ssrcs: readonly number[], reason?: string): Uint8Array {
  if (ssrcs.length > 31) throw new RangeError('at most 31 SSRCs per BYE');
  const text = reason === undefined ? undefined : encoder.encode(reason).subarray(0, 255);
  const reasonLength = text === undefined ? 0 : Math.ceil((1 + text.length) / 4) * 4;
  const out = new Uint8Array(4 + 4 * ssrcs.length + reasonLength);
  header(out, ssrcs.length, RTCP_BYE);
  ssrcs.forEach((s, i) => writeUint32(out, 4 + 4 * i, s >>> 0));
  if (text !== undefined) {
    out[4 + 4 * ssrcs.length] = text.length;
    out.set(text, 5 + 4 * ssrcs.length);
  }
  return out;
}

/** Concatenates packets into one compound packet (the first must be an SR or RR, §6.1). */
export function buildCompound(packets: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(packets.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of packets) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
