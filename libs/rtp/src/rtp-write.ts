// Writing RTP headers, and rewriting fields in place for a relay (RFC 3550 §5.1, §7: a translator
// that switches or transcodes streams keeps SSRC, sequence and timestamp consistent per leg).

import { RTP_HEADER_LENGTH } from './rtp-packet';

export interface RtpHeaderFields {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker?: boolean;
}

export const writeUint32 = (b: Uint8Array, o: number, v: number): void => {
  // Masked so every store is a small integer (a uint32 above 2^31 is a heap number in V8).
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
};

export const writeUint16 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
};

/**
 * Writes a 12-byte header (version 2, no padding, extension or CSRC) at `offset` and returns the
 * offset of the payload. The buffer must have room for it (a RangeError is not thrown by typed
 * arrays: writes past the end are silently lost, so callers size their buffers).
 */
export function writeRtpHeader(buffer: Uint8Array, fields: RtpHeaderFields, offset = 0): number {
  buffer[offset] = 0x80;
  buffer[offset + 1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f);
  writeUint16(buffer, offset + 2, fields.sequence & 0xffff);
  writeUint32(buffer, offset + 4, fields.timestamp >>> 0);
  writeUint32(buffer, offset + 8, fields.ssrc >>> 0);
  return offset + RTP_HEADER_LENGTH;
}

/** Builds a whole packet: a 12-byte header followed by a copy of the payload. */
export function buildRtpPacket(fields: RtpHeaderFields, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(RTP_HEADER_LENGTH + payload.length);
  writeRtpHeader(out, fields);
  out.set(payload, RTP_HEADER_LENGTH);
  return out;
}

// In-place rewriters for a parsed packet (at least 12 bytes, as parseRtp guarantees).

export const setRtpPayloadType = (packet: Uint8Array, payloadType: number): void => {
  packet[1] = (packet[1]! & 0x80) | (payloadType & 0x7f);
};

export const setRtpMarker = (packet: Uint8Array, marker: boolean): void => {
  packet[1] = marker ? packet[1]! | 0x80 : packet[1]! & 0x7f;
};

export const setRtpSequence = (packet: Uint8Array, sequence: number): void =>
  writeUint16(packet, 2, sequence & 0xffff);

export const setRtpTimestamp = (packet: Uint8Array, timestamp: number): void =>
  writeUint32(packet, 4, timestamp);

export const setRtpSsrc = (packet: Uint8Array, ssrc: number): void => writeUint32(packet, 8, ssrc);

/** Difference a − b of two 16-bit sequence numbers, in [−32768, 32767]. */
export const sequenceDelta = (a: number, b: number): number => (((a - b) & 0xffff) << 16) >> 16;

/** Difference a − b of two 32-bit RTP timestamps, in [−2^31, 2^31). */
export const timestampDelta = (a: number, b: number): number => (a - b) | 0;
