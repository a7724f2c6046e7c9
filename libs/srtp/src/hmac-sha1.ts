// HMAC-SHA1 (RFC 2104) with the inner and outer key pads hashed once per session key.
//
// Why hand-written: Node cannot resume a SHA-1 state, so every native option hashes the two
// 64-byte pads again per packet and pays a C++ call per hash object. For a 172-byte RTP packet
// this costs 6 SHA-1 blocks plus 2–3 native objects (createHmac ~2.6 µs, two one-shot
// crypto.hash calls ~2.0 µs); with the pads' states precomputed it is 4 blocks in JavaScript
// (~1.5 µs). The spec checks every input length 0–300 against createHmac.

const W = new Int32Array(80);

/** SHA-1 compression of the 64-byte block at bytes[offset] into state (5 words). */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const p = offset + 4 * i;
    W[i] = (bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  // Four loops rather than one with branches: V8 keeps each round's function inline.
  // The round constants are written as signed 32-bit values so all arithmetic stays int32.
  for (let i = 0; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + W[i]! + 0x5a827999) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + W[i]! + 0x6ed9eba1) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    const t =
      (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + W[i]! - 0x70e44324) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + W[i]! - 0x359d3e2a) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}

const SHA1_INIT = Int32Array.of(0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0);

function padState(key: Uint8Array, pad: number): Int32Array {
  const block = new Uint8Array(64).fill(pad);
  for (let i = 0; i < key.length; i++) block[i] = pad ^ key[i]!;
  const state = Int32Array.from(SHA1_INIT);
  compress(state, block, 0);
  return state;
}

function storeWords(state: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 5; i++) {
    const w = state[i]!;
    out[offset + 4 * i] = w >>> 24;
    out[offset + 4 * i + 1] = (w >>> 16) & 0xff;
    out[offset + 4 * i + 2] = (w >>> 8) & 0xff;
    out[offset + 4 * i + 3] = w & 0xff;
  }
}

export class HmacSha1 {
  private readonly inner: Int32Array;
  private readonly outer: Int32Array;
  private readonly state = new Int32Array(5);
  private readonly tail = new Uint8Array(128);
  /** The outer hash's only block: inner digest, 0x80, zeros, bit length of 64 + 20 bytes. */
  private readonly outerBlock = new Uint8Array(64);
  /** The last digest computed (20 bytes); valid until the next call. */
  readonly digest = new Uint8Array(20);

  /** key: at most 64 bytes (SRTP auth keys are 20). */
  constructor(key: Uint8Array) {
    this.inner = padState(key, 0x36);
    this.outer = padState(key, 0x5c);
    this.outerBlock[20] = 0x80;
    this.outerBlock[62] = (84 * 8) >>> 8;
    this.outerBlock[63] = (84 * 8) & 0xff;
  }

  /**
   * HMAC over data[0, length) followed, when withSuffix, by the 32-bit big-endian suffix
   * (the ROC for SRTP). The result is left in `digest`.
   */
  compute(data: Uint8Array, length: number, suffix: number, withSuffix: boolean): Uint8Array {
    const st = this.state;
    st.set(this.inner);
    const whole = length & ~63;
    for (let o = 0; o < whole; o += 64) compress(st, data, o);
    const t = this.tail;
    let n = 0;
    for (let i = whole; i < length; i++) t[n++] = data[i]!;
    if (withSuffix) {
      t[n++] = suffix >>> 24;
      t[n++] = (suffix >>> 16) & 0xff;
      t[n++] = (suffix >>> 8) & 0xff;
      t[n++] = suffix & 0xff;
    }
    const bits = (64 + length + (withSuffix ? 4 : 0)) * 8;
    t[n++] = 0x80;
    const end = n <= 56 ? 64 : 128;
    while (n < end - 4) t[n++] = 0;
    t[n++] = (bits >>> 24) & 0xff; // bit lengths stay far below 2^32 (packets <= 64 KiB)
    t[n++] = (bits >>> 16) & 0xff;
    t[n++] = (bits >>> 8) & 0xff;
    t[n++] = bits & 0xff;
    compress(st, t, 0);
    if (end === 128) compress(st, t, 64);
    storeWords(st, this.outerBlock, 0);
    st.set(this.outer);
    compress(st, this.outerBlock, 0);
    storeWords(st, this.digest, 0);
    return this.digest;
  }
}
