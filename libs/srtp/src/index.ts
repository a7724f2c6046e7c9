// SRTP/SRTCP (RFC 3711) with AES_CM_128_HMAC_SHA1_80/_32 and SDES key material (RFC 4568).
// See docs/srtp.md.
export {
  DEFAULT_MAX_SSRCS,
  createSrtpSession,
  type SrtpSession,
  type SrtpSessionOptions,
} from './session';
export { DEFAULT_REPLAY_WINDOW, MAX_REPLAY_WINDOW, MIN_REPLAY_WINDOW } from './replay-window';
export {
  MAX_PACKET_LENGTH,
  MAX_SRTCP_PACKETS,
  MAX_SRTP_PACKETS,
  SRTCP_OVERHEAD,
  SRTCP_TAG_LENGTH,
  SRTP_DROP_REASONS,
  SRTP_MASTER_KEY_LENGTH,
  SRTP_MASTER_SALT_LENGTH,
  SRTP_SUITES,
  isSrtpDrop,
  srtpTagLength,
  type SrtpDropReason,
  type SrtpSuite,
} from './suites';
export {
  SDES_KEY_SALT_LENGTH,
  decodeInlineKey,
  encodeInlineKey,
  generateSdesKey,
  splitKeySalt,
  type SdesKeyError,
} from './sdes';
