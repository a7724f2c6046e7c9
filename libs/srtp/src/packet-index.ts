// Byte helpers and the SRTP packet index estimate (RFC 3711 §3.3.1 and Appendix A).

export const readUint32 = (b: Uint8Array, o: number): number =>
  ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;

export const readUint16 = (b: Uint8Array, o: number): number => (b[o]! << 8) | b[o + 1]!;

/** The ROC is 32 bits, so an index (ROC · 2^16 + SEQ) must stay below 2^48. */
export const MAX_SRTP_INDEX = 2 ** 48 - 1;

/**
 * The index of a packet with sequence number `seq`, given the highest index accepted so far
 * for its SSRC (-1 when none: the first packet gets ROC 0). Appendix A: with s_l the highest
 * SEQ and ROC its rollover counter, v is ROC − 1, ROC or ROC + 1, whichever puts SEQ nearest
 * to s_l. Returns -1 when v would be −1 (a packet from before the stream began).
 */
export function estimateIndex(highest: number, seq: number): number {
  if (highest < 0) return seq;
  const sl = highest % 65536;
  const roc = (highest - sl) / 65536;
  let v = roc;
  if (sl < 32768) {
    if (seq - sl > 32768) v = roc - 1;
  } else if (sl - 32768 > seq) {
    v = roc + 1;
  }
  return v < 0 ? -1 : v * 65536 + seq;
}

/**
 * Length of the RTP header up to the payload (12 + CSRCs + extension), or -1 when the version
 * is not 2 or the header runs past `end`. RFC 3711 §3.1: CSRCs and the header extension are
 * authenticated but not encrypted. Computed here rather than with @ccx/rtp's parseRtp: this
 * is a type:util library and may not import a domain library, and it needs only these bytes.
 */
export function rtpHeaderLength(packet: Uint8Array, end: number): number {
  const b0 = packet[0]!;
  if (b0 >>> 6 !== 2) return -1;
  let length = 12 + 4 * (b0 & 0x0f);
  if ((b0 & 0x10) !== 0) {
    if (length + 4 > end) return -1;
    length += 4 + 4 * readUint16(packet, length + 2);
  }
  return length <= end ? length : -1;
}

/** A buffer of `length` bytes: `out` when it is large enough, else a new one. */
export function outputBuffer(out: Uint8Array | undefined, length: number): Uint8Array {
  return out !== undefined && out.length >= length ? out : Buffer.allocUnsafe(length);
}

/** Constant-time comparison of `length` bytes of a tag. */
export function tagsEqual(a: Uint8Array, aStart: number, b: Uint8Array, length: number): boolean {
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= a[aStart + i]! ^ b[i]!;
  return diff === 0;
}
