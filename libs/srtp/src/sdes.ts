// SDES key material (RFC 4568 §6.1): the `inline:` key-salt of an a=crypto line is the base64
// of master key || master salt, 30 bytes for both AES_CM_128_HMAC_SHA1 suites. The a=crypto
// grammar itself (tag, suite, lifetime, MKI, session parameters) belongs to the SDP library.
import { randomBytes } from 'node:crypto';
import { SRTP_MASTER_KEY_LENGTH, SRTP_MASTER_SALT_LENGTH } from './suites';

export const SDES_KEY_SALT_LENGTH = SRTP_MASTER_KEY_LENGTH + SRTP_MASTER_SALT_LENGTH;

export type SdesKeyError = 'bad-base64' | 'bad-length';

/** Fresh key || salt from the system CSPRNG (RFC 4568 §6.1 asks for a random key per offer). */
export function generateSdesKey(): Uint8Array {
  return new Uint8Array(randomBytes(SDES_KEY_SALT_LENGTH));
}

/** Base64 of a 30-byte key || salt (40 characters, no padding needed). */
export function encodeInlineKey(keySalt: Uint8Array): string {
  if (keySalt.length !== SDES_KEY_SALT_LENGTH)
    throw new RangeError(`SDES key-salt must be ${SDES_KEY_SALT_LENGTH} bytes`);
  return Buffer.from(keySalt.buffer, keySalt.byteOffset, keySalt.length).toString('base64');
}

// Standard base64 (RFC 4648 §4), the only alphabet RFC 4568's grammar allows.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** 30 bytes are exactly 240 bits: 40 characters, no padding, no spare bits to be lax about. */
const INLINE_KEY_CHARS = (SDES_KEY_SALT_LENGTH * 8) / 6;

/**
 * Decodes the base64 key-salt of an `inline:` parameter (without `inline:` and without any
 * `|lifetime|MKI` suffix). Returns the 30 bytes or why they were refused; never throws.
 */
export function decodeInlineKey(base64: string): Uint8Array | SdesKeyError {
  if (typeof base64 !== 'string' || base64.length % 4 !== 0 || !BASE64.test(base64))
    return 'bad-base64';
  if (base64.length !== INLINE_KEY_CHARS || base64.endsWith('=')) return 'bad-length';
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Splits 30 bytes of key || salt into the 16-byte master key and 14-byte master salt. */
export function splitKeySalt(keySalt: Uint8Array): {
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
} {
  if (keySalt.length !== SDES_KEY_SALT_LENGTH)
    throw new RangeError(`SDES key-salt must be ${SDES_KEY_SALT_LENGTH} bytes`);
  return {
    masterKey: keySalt.slice(0, SRTP_MASTER_KEY_LENGTH),
    masterSalt: keySalt.slice(SRTP_MASTER_KEY_LENGTH),
  };
}
