// RTCP packet types and values (RFC 3550 §6.4–6.6) shared by the builder and the parser.

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;
export const SDES_CNAME = 1;

/** One reception report block (RFC 3550 §6.4.1), 24 bytes on the wire. */
export interface ReportBlock {
  ssrc: number;
  /** Fraction of packets lost since the previous report, in 1/256 (0–255). */
  fractionLost: number;
  /** Cumulative packets lost, 24-bit signed (duplicates can make it negative). */
  cumulativeLost: number;
  /** Cycles (high 16 bits) and highest sequence number received (low 16 bits). */
  extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from this source (0 if none). */
  lastSr: number;
  /** Delay since that SR in 1/65536 s (0 if none). */
  delaySinceLastSr: number;
}

export interface SenderInfo {
  /** NTP timestamp, seconds since 1900 and fraction in 1/2^32 s. */
  ntpSeconds: number;
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface SenderReport extends SenderInfo {
  type: 'sr';
  ssrc: number;
  reports: ReportBlock[];
}

export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
}

export interface SdesChunk {
  ssrc: number;
  /** The CNAME item if the chunk has one. */
  cname?: string;
}

export interface SourceDescription {
  type: 'sdes';
  chunks: SdesChunk[];
}

export interface Goodbye {
  type: 'bye';
  ssrcs: number[];
  reason?: string;
}

/** APP, XR, feedback and anything else: kept as its type and count, not interpreted. */
export interface OtherRtcp {
  type: 'other';
  packetType: number;
  count: number;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | OtherRtcp;

export type RtcpDropReason =
  | 'short'
  | 'bad-version'
  | 'bad-length'
  | 'bad-padding'
  | 'bad-first-packet'
  | 'bad-report-count'
  | 'bad-sdes'
  | 'bad-bye';

export const RTCP_DROP_REASONS: readonly RtcpDropReason[] = [
  'short',
  'bad-version',
  'bad-length',
  'bad-padding',
  'bad-first-packet',
  'bad-report-count',
  'bad-sdes',
  'bad-bye',
];

export type RtcpParseResult =
  { ok: true; packets: RtcpPacket[] } | { ok: false; reason: RtcpDropReason };

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
export const NTP_UNIX_OFFSET = 2_208_988_800;

/** NTP timestamp of a Unix time in milliseconds. */
export function ntpFromUnixMs(unixMs: number): { ntpSeconds: number; ntpFraction: number } {
  const seconds = Math.floor(unixMs / 1000);
  const fraction = Math.floor(((unixMs - seconds * 1000) / 1000) * 2 ** 32);
  return { ntpSeconds: (seconds + NTP_UNIX_OFFSET) >>> 0, ntpFraction: fraction >>> 0 };
}

/** The middle 32 bits of an NTP timestamp, as carried in LSR (RFC 3550 §6.4.1). */
export const ntpMiddle32 = (ntpSeconds: number, ntpFraction: number): number =>
  (((ntpSeconds & 0xffff) << 16) | (ntpFraction >>> 16)) >>> 0;

/**
 * Round-trip time in seconds from a report block received at NTP middle-32 time `arrival`
 * (RFC 3550 §6.4.1: A − LSR − DLSR), or undefined when the block carries no LSR.
 */
export function roundTripSeconds(arrival: number, block: ReportBlock): number | undefined {
  if (block.lastSr === 0) return undefined;
  const rtt = (arrival - block.lastSr - block.delaySinceLastSr) >>> 0;
  // A negative result (clock skew) wraps to a huge value; report it as zero rather than hours.
  return rtt > 0x80000000 ? 0 : rtt / 65536;
}
