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
export {
  buildBye,
  buildCompound,
  buildReceiverReport,
  buildSdesCname,
  buildSenderReport,
  encodeCumulativeLost,
} from './rtcp-build';
export { decodeCumulativeLost, parseRtcp, type RtcpParseOptions } from './rtcp-parse';
export {
  NTP_UNIX_OFFSET,
  RTCP_APP,
  RTCP_BYE,
  RTCP_DROP_REASONS,
  RTCP_RR,
  RTCP_SDES,
  RTCP_SR,
  SDES_CNAME,
  ntpFromUnixMs,
  ntpMiddle32,
  roundTripSeconds,
  type Goodbye,
  type OtherRtcp,
  type ReceiverReport,
  type ReportBlock,
  type RtcpDropReason,
  type RtcpPacket,
  type RtcpParseResult,
  type SdesChunk,
  type SenderInfo,
  type SenderReport,
  type SourceDescription,
} from './rtcp-types';
export {
  MAX_DROPOUT,
  MAX_MISORDER,
  MIN_SEQUENTIAL,
  RTP_SEQ_MOD,
  ReceiverStats,
} from './receiver-stats';
export {
  G711_BPL_NO_PLC,
  G711_BPL_PLC,
  G711_IE,
  R_DEFAULT,
  burstRatio,
  delayImpairment,
  effectiveEquipmentImpairment,
  g711Mos,
  g711RFactor,
  mosFromR,
  type EModelInput,
} from './e-model';
export { DtmfDetector, type DtmfDetection } from './dtmf-detector';
export {
  TELEPHONE_EVENT_LENGTH,
  buildTelephoneEvent,
  createTelephoneEvent,
  dtmfDigit,
  dtmfEvent,
  parseTelephoneEvent,
  writeTelephoneEvent,
  type TelephoneEvent,
} from './telephone-event';
