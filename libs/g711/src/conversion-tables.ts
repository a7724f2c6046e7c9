// Direct A-law <-> µ-law conversion of ITU-T G.711 (Tables 3 and 4), as corrected in 1994
// (B. Lindberg's correction of the widely copied Sun tables: µ magnitude 80 maps to A 79, A
// magnitude 79 maps to µ 80). These are NOT decode-then-encode: the two differ on dozens of
// codes (counted in conversion.spec.ts).
//
// Both tables are indexed by sign-less magnitude codes 0..127 counted from the smallest
// amplitude: for A-law `(code ^ 0x55) & 0x7f`, for µ-law `(code ^ 0xff) & 0x7f`.

/** µ-law magnitude (0..127) -> A-law magnitude (0..127); G.711 Table 3. */
export const ULAW_TO_ALAW_MAGNITUDE: readonly number[] = [
  0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
  21, 22, 23, 24, 26, 28, 30, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 45, 47, 48, 49, 50,
  51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75,
  76, 77, 78, 79, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100,
  101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119,
  120, 121, 122, 123, 124, 125, 126, 127,
];

/** A-law magnitude (0..127) -> µ-law magnitude (0..127); G.711 Table 4. */
export const ALAW_TO_ULAW_MAGNITUDE: readonly number[] = [
  1, 3, 5, 7, 9, 11, 13, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 32,
  33, 33, 34, 34, 35, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 48, 49, 49, 50, 51,
  52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74,
  75, 76, 77, 78, 79, 80, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97,
  98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117,
  118, 119, 120, 121, 122, 123, 124, 125, 126, 127,
];

/** µ-law code of an A-law code by G.711 Table 4 (sign kept). */
export function alawToUlawCode(code: number): number {
  const c = code & 0xff;
  const magnitude = ALAW_TO_ULAW_MAGNITUDE[(c ^ 0x55) & 0x7f] ?? 0;
  return (c & 0x80) | (magnitude ^ 0x7f);
}

/** A-law code of a µ-law code by G.711 Table 3 (sign kept). */
export function ulawToAlawCode(code: number): number {
  const c = code & 0xff;
  const magnitude = ULAW_TO_ALAW_MAGNITUDE[(c ^ 0xff) & 0x7f] ?? 0;
  return ((c & 0x80) | magnitude) ^ 0x55;
}
