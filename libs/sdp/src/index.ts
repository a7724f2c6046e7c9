// SDP for the media relay and the SBC: parse the audio stream of an offer or answer, write the
// rewritten SDP we send, SDES a=crypto lines (RFC 4566/8866, 3264, 3605, 4568, 5761; docs/sdp.md).
export { buildSdp } from './build';
export { g711Codec, isG711, staticCodec } from './codecs';
export {
  SRTP_KEY_SALT_LENGTHS,
  decodeInlineKey,
  formatCryptoAttribute,
  parseCryptoAttribute,
  type CryptoParseResult,
} from './crypto';
export { MAX_SDP_LENGTH, MAX_SDP_LINES } from './lines';
export { parseMediaSdp } from './parse';
export type {
  AudioMedia,
  G711Name,
  MediaSdp,
  SdpCodec,
  SdpCrypto,
  SdpDirection,
  SdpOrigin,
  SdpParseResult,
  SdpRewrite,
} from './types';
export { callBandwidth, type Bandwidth, type BandwidthInput } from './bandwidth';
