// Whole-buffer G.711 conversions. Every function takes an optional preallocated output (at
// least as long as needed) and returns the output trimmed to the input's length.
import { endianness } from 'node:os';
import {
  ALAW_DECODE,
  ALAW_DECODE_PAIRS,
  ALAW_ENCODE,
  ALAW_TO_ULAW,
  ALAW_TO_ULAW_PAIRS,
  ULAW_DECODE,
  ULAW_DECODE_PAIRS,
  ULAW_ENCODE,
  ULAW_TO_ALAW,
  ULAW_TO_ALAW_PAIRS,
} from './tables';

const LITTLE_ENDIAN = endianness() === 'LE';

function output<T extends Uint8Array | Int16Array>(
  out: T | undefined,
  length: number,
  make: (n: number) => T,
): T {
  if (!out) return make(length);
  if (out.length < length) throw new RangeError(`output holds ${out.length}, need ${length}`);
  return out.length === length ? out : (out.subarray(0, length) as T);
}

const bytes = (n: number): Uint8Array => new Uint8Array(n);
const samples = (n: number): Int16Array => new Int16Array(n);

// Fast paths read and write 32-bit words (4 bytes at a time: measured about 1.5-2x faster than
// one element per iteration in V8); they need little-endian order and 4-byte aligned views.
const aligned = (a: ArrayBufferView): boolean => a.byteOffset % 4 === 0;

function encode(table: Uint8Array, pcm: Int16Array, out?: Uint8Array): Uint8Array {
  const n = pcm.length;
  const dst = output(out, n, bytes);
  let i = 0;
  if (LITTLE_ENDIAN && aligned(pcm) && aligned(dst)) {
    const quads = n >> 2;
    const src32 = new Uint32Array(pcm.buffer, pcm.byteOffset, quads * 2);
    const dst32 = new Uint32Array(dst.buffer, dst.byteOffset, quads);
    for (let q = 0, j = 0; q < quads; q++, j += 2) {
      const a = src32[j]!;
      const b = src32[j + 1]!;
      dst32[q] =
        (table[a & 0xffff]! |
          (table[a >>> 16]! << 8) |
          (table[b & 0xffff]! << 16) |
          (table[b >>> 16]! << 24)) >>>
        0;
    }
    i = quads << 2;
  }
  for (; i < n; i++) dst[i] = table[pcm[i]! & 0xffff]!;
  return dst;
}

function encodeBytes(table: Uint8Array, pcm16le: Uint8Array, out?: Uint8Array): Uint8Array {
  if (pcm16le.length % 2 !== 0) throw new RangeError('pcm16 input has an odd byte count');
  const n = pcm16le.length >> 1;
  if (LITTLE_ENDIAN && pcm16le.byteOffset % 2 === 0) {
    return encode(table, new Int16Array(pcm16le.buffer, pcm16le.byteOffset, n), out);
  }
  const dst = output(out, n, bytes);
  for (let i = 0; i < n; i++) dst[i] = table[pcm16le[2 * i]! | (pcm16le[2 * i + 1]! << 8)]!;
  return dst;
}

function decode(table: Int16Array, pairs: Uint32Array, codes: Uint8Array, out?: Int16Array) {
  const n = codes.length;
  const dst = output(out, n, samples);
  let i = 0;
  if (LITTLE_ENDIAN && codes.byteOffset % 2 === 0 && aligned(dst)) {
    const half = n >> 1;
    const src16 = new Uint16Array(codes.buffer, codes.byteOffset, half);
    const dst32 = new Uint32Array(dst.buffer, dst.byteOffset, half);
    for (let j = 0; j < half; j++) dst32[j] = pairs[src16[j]!]!;
    i = half << 1;
  }
  for (; i < n; i++) dst[i] = table[codes[i]!]!;
  return dst;
}

function convert(table: Uint8Array, pairs: Uint16Array, codes: Uint8Array, out?: Uint8Array) {
  const n = codes.length;
  const dst = output(out, n, bytes);
  let i = 0;
  if (LITTLE_ENDIAN && aligned(codes) && aligned(dst)) {
    const quads = n >> 2;
    const src32 = new Uint32Array(codes.buffer, codes.byteOffset, quads);
    const dst32 = new Uint32Array(dst.buffer, dst.byteOffset, quads);
    for (let q = 0; q < quads; q++) {
      const v = src32[q]!;
      dst32[q] = (pairs[v & 0xffff]! | (pairs[v >>> 16]! << 16)) >>> 0;
    }
    i = quads << 2;
  }
  for (; i < n; i++) dst[i] = table[codes[i]!]!;
  return dst;
}

/** A-law codes of 16-bit samples (bit-exact with G.191 alaw_compress). */
export function encodeAlaw(pcm: Int16Array, out?: Uint8Array): Uint8Array {
  return encode(ALAW_ENCODE, pcm, out);
}

/** µ-law codes of 16-bit samples (bit-exact with G.191 ulaw_compress). */
export function encodeUlaw(pcm: Int16Array, out?: Uint8Array): Uint8Array {
  return encode(ULAW_ENCODE, pcm, out);
}

/** A-law codes of raw signed 16-bit little-endian bytes (any alignment); odd length throws. */
export function encodeAlawPcm16le(pcm16le: Uint8Array, out?: Uint8Array): Uint8Array {
  return encodeBytes(ALAW_ENCODE, pcm16le, out);
}

/** µ-law codes of raw signed 16-bit little-endian bytes (any alignment); odd length throws. */
export function encodeUlawPcm16le(pcm16le: Uint8Array, out?: Uint8Array): Uint8Array {
  return encodeBytes(ULAW_ENCODE, pcm16le, out);
}

/** 16-bit samples of A-law codes (bit-exact with G.191 alaw_expand). */
export function decodeAlaw(codes: Uint8Array, out?: Int16Array): Int16Array {
  return decode(ALAW_DECODE, ALAW_DECODE_PAIRS, codes, out);
}

/** 16-bit samples of µ-law codes (bit-exact with G.191 ulaw_expand). */
export function decodeUlaw(codes: Uint8Array, out?: Int16Array): Int16Array {
  return decode(ULAW_DECODE, ULAW_DECODE_PAIRS, codes, out);
}

/** µ-law codes of A-law codes by the G.711 direct conversion table (not decode + encode). */
export function alawToUlaw(codes: Uint8Array, out?: Uint8Array): Uint8Array {
  return convert(ALAW_TO_ULAW, ALAW_TO_ULAW_PAIRS, codes, out);
}

/** A-law codes of µ-law codes by the G.711 direct conversion table (not decode + encode). */
export function ulawToAlaw(codes: Uint8Array, out?: Uint8Array): Uint8Array {
  return convert(ULAW_TO_ALAW, ULAW_TO_ALAW_PAIRS, codes, out);
}
