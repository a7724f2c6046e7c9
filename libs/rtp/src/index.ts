// RTP/RTCP protocol code (RFC 3550, 5761, 7983, 4733) and call-quality statistics (see docs/rtp.md).
export { classifyPacket, type MuxedPacketKind } from './classify';
export {
  RTP_DROP_REASONS,
  RTP_HEADER_LENGTH,
  RTP_VERSION,
  createRtpHeader,
  isRtpDrop,
  parseRtp,
  readUint16,
  readUint32,
  type RtpDropReason,
  type RtpHeader,
} from './rtp-packet';
export {
  buildRtpPacket,
  sequenceDelta,
  setRtpMarker,
  setRtpPayloadType,
  setRtpSequence,
  setRtpSsrc,
  setRtpTimestamp,
  timestampDelta,
  writeRtpHeader,
  writeUint16,
  writeUint32,
  type RtpHeaderFields,
} from './rtp-write';
