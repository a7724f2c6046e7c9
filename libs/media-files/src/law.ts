// The two G.711 laws a leg can use, and the whole-buffer conversions the prompts and the
// recorder need, all through @ccx/g711 (bit-exact with G.191; A <-> µ by the direct tables).
import {
  alawCompress,
  alawToUlaw,
  decodeAlaw,
  decodeUlaw,
  encodeAlaw,
  encodeUlaw,
  ulawCompress,
  ulawToAlaw,
} from '@ccx/g711';

export type Law = 'alaw' | 'ulaw';

/** The code each law uses for a zero sample (A-law 0xd5, µ-law 0xff). */
export const SILENCE_CODE: Readonly<Record<Law, number>> = {
  alaw: alawCompress(0),
  ulaw: ulawCompress(0),
};

export function isLaw(value: unknown): value is Law {
  return value === 'alaw' || value === 'ulaw';
}

/** Decodes codes of `law` into the start of `out` (which must be at least as long). */
export function decodeInto(law: Law, codes: Uint8Array, out: Int16Array): Int16Array {
  return law === 'alaw' ? decodeAlaw(codes, out) : decodeUlaw(codes, out);
}

/** Encodes samples to `law` into the start of `out`. */
export function encodeInto(law: Law, pcm: Int16Array, out: Uint8Array): Uint8Array {
  return law === 'alaw' ? encodeAlaw(pcm, out) : encodeUlaw(pcm, out);
}

/** Copies codes of law `from` into `out` as codes of law `to`: a copy, or the direct G.711 table. */
export function convertInto(from: Law, to: Law, codes: Uint8Array, out: Uint8Array): Uint8Array {
  if (from === to) {
    out.set(codes);
    return out.subarray(0, codes.length);
  }
  return from === 'alaw' ? alawToUlaw(codes, out) : ulawToAlaw(codes, out);
}
