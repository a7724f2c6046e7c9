// Lookup tables built once at module load from the per-sample rules (reference.ts) and the
// G.711 conversion tables (conversion-tables.ts). Each table turns a hot loop into one load.
import { alawToUlawCode, ulawToAlawCode } from './conversion-tables';
import { alawCompress, alawExpand, ulawCompress, ulawExpand } from './reference';

/** A-law code of every 16-bit sample, indexed by the sample's unsigned 16-bit pattern. */
export const ALAW_ENCODE = new Uint8Array(65536);
/** µ-law code of every 16-bit sample, indexed by the sample's unsigned 16-bit pattern. */
export const ULAW_ENCODE = new Uint8Array(65536);
/** Decoded sample of every A-law code. */
export const ALAW_DECODE = new Int16Array(256);
/** Decoded sample of every µ-law code. */
export const ULAW_DECODE = new Int16Array(256);
/** µ-law code of every A-law code (G.711 Table 4). */
export const ALAW_TO_ULAW = new Uint8Array(256);
/** A-law code of every µ-law code (G.711 Table 3). */
export const ULAW_TO_ALAW = new Uint8Array(256);

// Two codes at a time: index = two input bytes as a little-endian uint16, value = two output
// bytes (or two samples) laid out the same way. Only meaningful on little-endian hosts.
/** Pairs of A-law codes -> pairs of µ-law codes. */
export const ALAW_TO_ULAW_PAIRS = new Uint16Array(65536);
/** Pairs of µ-law codes -> pairs of A-law codes. */
export const ULAW_TO_ALAW_PAIRS = new Uint16Array(65536);
/** Pairs of A-law codes -> pairs of 16-bit samples. */
export const ALAW_DECODE_PAIRS = new Uint32Array(65536);
/** Pairs of µ-law codes -> pairs of 16-bit samples. */
export const ULAW_DECODE_PAIRS = new Uint32Array(65536);

for (let i = 0; i < 65536; i++) {
  const sample = (i << 16) >> 16;
  ALAW_ENCODE[i] = alawCompress(sample);
  ULAW_ENCODE[i] = ulawCompress(sample);
}
for (let c = 0; c < 256; c++) {
  ALAW_DECODE[c] = alawExpand(c);
  ULAW_DECODE[c] = ulawExpand(c);
  ALAW_TO_ULAW[c] = alawToUlawCode(c);
  ULAW_TO_ALAW[c] = ulawToAlawCode(c);
}
for (let i = 0; i < 65536; i++) {
  const lo = i & 0xff;
  const hi = i >>> 8;
  ALAW_TO_ULAW_PAIRS[i] = (ALAW_TO_ULAW[lo] ?? 0) | ((ALAW_TO_ULAW[hi] ?? 0) << 8);
  ULAW_TO_ALAW_PAIRS[i] = (ULAW_TO_ALAW[lo] ?? 0) | ((ULAW_TO_ALAW[hi] ?? 0) << 8);
  ALAW_DECODE_PAIRS[i] = (((ALAW_DECODE[lo] ?? 0) & 0xffff) | ((ALAW_DECODE[hi] ?? 0) << 16)) >>> 0;
  ULAW_DECODE_PAIRS[i] = (((ULAW_DECODE[lo] ?? 0) & 0xffff) | ((ULAW_DECODE[hi] ?? 0) << 16)) >>> 0;
}
