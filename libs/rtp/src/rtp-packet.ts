// RTP fixed header, CSRC list and header extension (RFC 3550 §5.1, §5.3.1).
// parseRtp never throws and allocates nothing when given a reusable RtpHeader: a relay parses
// every packet into one object per leg and reads the fields it needs.

export const RTP_HEADER_LENGTH = 12;
export const RTP_VERSION = 2;

export type RtpDropReason =
  'short' | 'bad-version' | 'bad-csrc-count' | 'bad-extension' | 'bad-padding';

export const RTP_DROP_REASONS: readonly RtpDropReason[] = [
  'short',
  'bad-version',
  'bad-csrc-count',
  'bad-extension',
  'bad-padding',
];

/** A parsed RTP header. Offsets and lengths are in bytes, relative to the parsed buffer. */
export interface RtpHeader {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  /** Room for the 15 CSRCs the 4-bit count allows; only the first csrcCount are meaningful. */
  readonly csrcs: Uint32Array;
  /** Profile-defined 16 bits of the header extension (0 when there is none). */
  extensionProfile: number;
  /** Offset of the extension data after its 4-byte header (0 when there is none). */
  extensionOffset: number;
  /** Length of the extension data in bytes (the length field counts 32-bit words). */
  extensionLength: number;
  payloadOffset: number;
  payloadLength: number;
  /** Padding bytes at the end, including the count byte itself (0 when P is clear). */
  paddingLength: number;
}

export const createRtpHeader = (): RtpHeader => ({
  version: 0,
  padding: false,
  extension: false,
  csrcCount: 0,
  marker: false,
  payloadType: 0,
  sequence: 0,
  timestamp: 0,
  ssrc: 0,
  csrcs: new Uint32Array(15),
  extensionProfile: 0,
  extensionOffset: 0,
  extensionLength: 0,
  payloadOffset: 0,
  payloadLength: 0,
  paddingLength: 0,
});

export const readUint32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

export const readUint16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

/**
 * Parses the RTP packet in `bytes` into `into` (reused, not allocated) and returns `into`,
 * or returns the reason the packet must be dropped. Checks are in header order, so the first
 * defect found is the one reported.
 */
export function parseRtp(
  bytes: Uint8Array,
  into: RtpHeader = createRtpHeader(),
): RtpHeader | RtpDropReason {
  const length = bytes.length;
  if (length < RTP_HEADER_LENGTH) return 'short';
  const b0 = bytes[0]!;
  const version = b0 >>> 6;
  if (version !== RTP_VERSION) return 'bad-version';
  const csrcCount = b0 & 0x0f;
  let offset = RTP_HEADER_LENGTH + 4 * csrcCount;
  if (offset > length) return 'bad-csrc-count';
  const extension = (b0 & 0x10) !== 0;
  let extensionProfile = 0;
  let extensionOffset = 0;
  let extensionLength = 0;
  if (extension) {
    if (offset + 4 > length) return 'bad-extension';
    extensionProfile = readUint16(bytes, offset);
    extensionLength = 4 * readUint16(bytes, offset + 2);
    extensionOffset = offset + 4;
    offset = extensionOffset + extensionLength;
    if (offset > length) return 'bad-extension';
  }
  const padding = (b0 & 0x20) !== 0;
  let paddingLength = 0;
  if (padding) {
    paddingLength = bytes[length - 1]!;
    if (paddingLength === 0 || paddingLength > length - offset) return 'bad-padding';
  }
  const b1 = bytes[1]!;
  into.version = version;
  into.padding = padding;
  into.extension = extension;
  into.csrcCount = csrcCount;
  into.marker = (b1 & 0x80) !== 0;
  into.payloadType = b1 & 0x7f;
  into.sequence = readUint16(bytes, 2);
  into.timestamp = readUint32(bytes, 4);
  into.ssrc = readUint32(bytes, 8);
  for (let i = 0; i < csrcCount; i++) into.csrcs[i] = readUint32(bytes, RTP_HEADER_LENGTH + 4 * i);
  into.extensionProfile = extensionProfile;
  into.extensionOffset = extensionOffset;
  into.extensionLength = extensionLength;
  into.payloadOffset = offset;
  into.payloadLength = length - offset - paddingLength;
  into.paddingLength = paddingLength;
  return into;
}

/** Narrows a parseRtp result. */
export const isRtpDrop = (result: RtpHeader | RtpDropReason): result is RtpDropReason =>
  typeof result === 'string';
