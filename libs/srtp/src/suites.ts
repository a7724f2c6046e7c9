// Crypto suites, drop reasons and limits (RFC 3711 §5, §8.2, §9.2; RFC 4568 §6.2).

/** The SDES names of the suites this library implements (RFC 4568 §6.2.1, §6.2.2). */
export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export const SRTP_SUITES: readonly SrtpSuite[] = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
];

export const SRTP_MASTER_KEY_LENGTH = 16;
export const SRTP_MASTER_SALT_LENGTH = 14;

/** SRTCP always carries an 80-bit tag, for both suites (RFC 4568 §6.2.1, §6.2.2). */
export const SRTCP_TAG_LENGTH = 10;
/** Bytes SRTCP adds to an RTCP packet: E flag + 31-bit index, then the tag. */
export const SRTCP_OVERHEAD = 4 + SRTCP_TAG_LENGTH;

/** Bytes of authentication tag an SRTP packet carries for `suite`. */
export const srtpTagLength = (suite: SrtpSuite): number =>
  suite === 'AES_CM_128_HMAC_SHA1_32' ? 4 : 10;

/** Key lifetime (RFC 3711 §9.2): at most 2^48 SRTP and 2^31 SRTCP packets per master key. */
export const MAX_SRTP_PACKETS = 2 ** 48;
export const MAX_SRTCP_PACKETS = 2 ** 31;

/** Largest packet accepted; bounds the keystream buffer (a UDP datagram carries < 65,508). */
export const MAX_PACKET_LENGTH = 65536;

export type SrtpDropReason =
  'short' | 'too-long' | 'bad-header' | 'auth' | 'replay' | 'too-old' | 'key-exhausted';

export const SRTP_DROP_REASONS: readonly SrtpDropReason[] = [
  'short',
  'too-long',
  'bad-header',
  'auth',
  'replay',
  'too-old',
  'key-exhausted',
];

/** Narrows a protect/unprotect result. */
export const isSrtpDrop = (result: Uint8Array | SrtpDropReason): result is SrtpDropReason =>
  typeof result === 'string';
