// Per-sample G.711 rules, following the algorithm of the ITU-T G.191 Software Tool Library
// reference (openitu/STL src/g711/g711.c: alaw_compress, alaw_expand, ulaw_compress,
// ulaw_expand). They are the slow, readable definition; the buffer functions use lookup
// tables built from them (tables.ts). Inputs are 16-bit signed samples, outputs 8-bit codes
// as transmitted (A-law with even bits inverted, µ-law with all bits inverted).

/** A-law code of a 16-bit sample (the 13 most significant bits count). */
export function alawCompress(sample: number): number {
  const x = sample | 0;
  // One's complement of negative values: -1..-16 fall in the same step as 0..15.
  let ix = x < 0 ? ~x >> 4 : x >> 4;
  if (ix > 15) {
    let exp = 1;
    while (ix > 31) {
      ix >>= 1;
      exp++;
    }
    ix = ix - 16 + (exp << 4);
  }
  if (x >= 0) ix |= 0x80;
  return ix ^ 0x55;
}

/** 16-bit sample (13 bits left-justified, half-step added) of an A-law code. */
export function alawExpand(code: number): number {
  const c = code & 0xff;
  const ix = (c ^ 0x55) & 0x7f;
  const exp = ix >> 4;
  let mant = ix & 0x0f;
  if (exp > 0) mant += 16;
  mant = (mant << 4) + 8;
  if (exp > 1) mant <<= exp - 1;
  return c > 127 ? mant : -mant;
}

/** µ-law code of a 16-bit sample (the 14 most significant bits count). */
export function ulawCompress(sample: number): number {
  const x = sample | 0;
  // One's complement for negative values (not negation: that is where copied C versions differ).
  let abs = (x < 0 ? ~x >> 2 : x >> 2) + 33;
  if (abs > 0x1fff) abs = 0x1fff;
  let segment = 1;
  for (let i = abs >> 6; i !== 0; i >>= 1) segment++;
  const high = 8 - segment;
  const low = 15 - ((abs >> segment) & 0x0f);
  const code = (high << 4) | low;
  return x >= 0 ? code | 0x80 : code;
}

/** 16-bit sample (14 bits left-justified, half-step added) of a µ-law code. */
export function ulawExpand(code: number): number {
  const c = code & 0xff;
  const sign = c < 0x80 ? -1 : 1;
  const inv = ~c;
  const exponent = (inv >> 4) & 0x07;
  const mantissa = inv & 0x0f;
  const step = 4 << (exponent + 1);
  // `| 0` turns the -0 of code 0x7f into 0.
  return (sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33)) | 0;
}
