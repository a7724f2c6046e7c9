// AES in counter mode as SRTP defines it (RFC 3711 §4.1.1), and the AES-CM key derivation
// (§4.3.1, §4.3.3, key_derivation_rate 0).
//
// Why not createCipheriv('aes-128-ctr') per packet: creating a Cipher costs more than the
// encryption of a 160-byte payload (measured ~3.8 µs per packet against ~1.5 µs here, see
// docs/srtp.md). Instead one long-lived AES-128-ECB cipher per session key encrypts the counter
// blocks of a packet in one call, and the keystream is XORed in JavaScript. ECB without padding
// keeps no state between calls as long as every input is whole blocks, which it always is here.
import { createCipheriv, type Cipher } from 'node:crypto';
import { MAX_PACKET_LENGTH } from './suites';

const BLOCK = 16;

export class AesCm {
  private readonly ecb: Cipher;
  /** Counter blocks: bytes 0–13 are IV bytes, 14–15 the block number (never changes). */
  private counters = new Uint8Array(0);
  private words = new Uint32Array(0);
  private halves = new Uint16Array(0);
  private readonly salt: Uint8Array;

  /** maxLength: the longest input xor() will see (callers check packet lengths first). */
  constructor(
    key: Uint8Array,
    salt: Uint8Array,
    private readonly maxLength = MAX_PACKET_LENGTH,
  ) {
    this.ecb = createCipheriv('aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
    this.salt = Uint8Array.from(salt.subarray(0, 14));
    this.grow(4);
  }

  /**
   * XORs the keystream for (ssrc, index) over src[srcStart, srcEnd) into dst from dstStart.
   * The 48-bit index is given as its high 32 bits and low 16 bits (for SRTP: ROC and SEQ).
   * IV = (k_s · 2^16) XOR (SSRC · 2^64) XOR (i · 2^16). src and dst may be the same array.
   */
  xor(
    src: Uint8Array,
    srcStart: number,
    srcEnd: number,
    dst: Uint8Array,
    dstStart: number,
    ssrc: number,
    indexHigh: number,
    indexLow: number,
  ): void {
    const length = srcEnd - srcStart;
    if (length <= 0) return;
    const blocks = (length + BLOCK - 1) >>> 4;
    if (blocks * BLOCK > this.counters.length) this.grow(blocks);
    if (blocks * BLOCK > this.counters.length) throw new RangeError('AES-CM input too long');
    const s = this.salt;
    const c = this.counters;
    // Bytes 4–13 of the IV depend on the packet; 0–3 are salt only and 14–15 the block number,
    // both written by grow(). Block 0 gets the bytes, the others copy them as two 32-bit words
    // and one 16-bit word read back from block 0 (so byte order never matters).
    c[4] = s[4]! ^ (ssrc >>> 24);
    c[5] = s[5]! ^ ((ssrc >>> 16) & 0xff);
    c[6] = s[6]! ^ ((ssrc >>> 8) & 0xff);
    c[7] = s[7]! ^ (ssrc & 0xff);
    c[8] = s[8]! ^ (indexHigh >>> 24);
    c[9] = s[9]! ^ ((indexHigh >>> 16) & 0xff);
    c[10] = s[10]! ^ ((indexHigh >>> 8) & 0xff);
    c[11] = s[11]! ^ (indexHigh & 0xff);
    c[12] = s[12]! ^ ((indexLow >>> 8) & 0xff);
    c[13] = s[13]! ^ (indexLow & 0xff);
    const words = this.words;
    const halves = this.halves;
    const w1 = words[1]!;
    const w2 = words[2]!;
    const h6 = halves[6]!;
    for (let b = 1; b < blocks; b++) {
      words[4 * b + 1] = w1;
      words[4 * b + 2] = w2;
      halves[8 * b + 6] = h6;
    }
    const keystream = this.ecb.update(c.subarray(0, blocks * BLOCK));
    for (let i = 0; i < length; i++) dst[dstStart + i] = src[srcStart + i]! ^ keystream[i]!;
  }

  private grow(blocks: number): void {
    const capacity = Math.min(
      Math.max(blocks, (this.counters.length / BLOCK) * 2),
      Math.ceil(this.maxLength / BLOCK),
    );
    const c = new Uint8Array(capacity * BLOCK);
    for (let b = 0; b < capacity; b++) {
      const o = b * BLOCK;
      c.set(this.salt.subarray(0, 4), o);
      c[o + 14] = b >>> 8;
      c[o + 15] = b & 0xff;
    }
    this.counters = c;
    this.words = new Uint32Array(c.buffer);
    this.halves = new Uint16Array(c.buffer);
  }
}

/** Session keys for one direction, derived from the master key and salt (RFC 3711 §4.3). */
export interface SessionKeys {
  rtpKey: Uint8Array;
  rtpAuthKey: Uint8Array;
  rtpSalt: Uint8Array;
  rtcpKey: Uint8Array;
  rtcpAuthKey: Uint8Array;
  rtcpSalt: Uint8Array;
}

/**
 * The AES-CM PRF of §4.3.3: key_id = label || (index DIV kdr), here with kdr 0 so the 48-bit
 * part is zero; x = key_id XOR master_salt; output = AES-CM keystream with IV x · 2^16.
 */
export function deriveKey(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Uint8Array {
  const blocks = Math.ceil(length / BLOCK);
  const input = new Uint8Array(blocks * BLOCK);
  for (let b = 0; b < blocks; b++) {
    input.set(masterSalt.subarray(0, 14), b * BLOCK);
    input[b * BLOCK + 7] = masterSalt[7]! ^ label; // label || 48 zero bits, right-aligned in x
    input[b * BLOCK + 14] = b >>> 8;
    input[b * BLOCK + 15] = b & 0xff;
  }
  const ecb = createCipheriv('aes-128-ecb', masterKey, null);
  ecb.setAutoPadding(false);
  const out = ecb.update(input);
  return Uint8Array.from(out.subarray(0, length));
}

export function deriveSessionKeys(masterKey: Uint8Array, masterSalt: Uint8Array): SessionKeys {
  return {
    rtpKey: deriveKey(masterKey, masterSalt, 0x00, 16),
    rtpAuthKey: deriveKey(masterKey, masterSalt, 0x01, 20),
    rtpSalt: deriveKey(masterKey, masterSalt, 0x02, 14),
    rtcpKey: deriveKey(masterKey, masterSalt, 0x03, 16),
    rtcpAuthKey: deriveKey(masterKey, masterSalt, 0x04, 20),
    rtcpSalt: deriveKey(masterKey, masterSalt, 0x05, 14),
  };
}
