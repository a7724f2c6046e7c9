import { describe, expect, it } from 'vitest';
import {
  alawCompress,
  alawExpand,
  decodeAlaw,
  decodeUlaw,
  encodeAlaw,
  encodeAlawPcm16le,
  encodeUlaw,
  encodeUlawPcm16le,
  ulawCompress,
  ulawExpand,
} from './index';
import {
  everyCode,
  everySample,
  fixtureBytes,
  fixtureSamples,
  mismatches,
} from './testing/fixtures';

const pcmBytes = (pcm: Int16Array): Uint8Array => {
  const out = new Uint8Array(pcm.length * 2);
  const view = new DataView(out.buffer);
  pcm.forEach((s, i) => view.setInt16(2 * i, s, true));
  return out;
};

describe('G.711 against the G.191 reference golden vectors', () => {
  const pcm = everySample();
  const alaw = fixtureBytes('alaw-compress.bin');
  const ulaw = fixtureBytes('ulaw-compress.bin');

  it('fixtures cover every input', () => {
    expect(alaw.length).toBe(65536);
    expect(ulaw.length).toBe(65536);
    expect(fixtureSamples('alaw-expand.bin').length).toBe(256);
    expect(fixtureSamples('ulaw-expand.bin').length).toBe(256);
  });

  it('encodes all 65,536 samples to A-law exactly as alaw_compress', () => {
    expect(mismatches(encodeAlaw(pcm), alaw)).toBe(0);
    expect(mismatches(Array.from(pcm, alawCompress), alaw)).toBe(0);
  });

  it('encodes all 65,536 samples to µ-law exactly as ulaw_compress', () => {
    expect(mismatches(encodeUlaw(pcm), ulaw)).toBe(0);
    expect(mismatches(Array.from(pcm, ulawCompress), ulaw)).toBe(0);
  });

  it('decodes all 256 codes exactly as alaw_expand and ulaw_expand', () => {
    const codes = everyCode();
    expect(Array.from(decodeAlaw(codes))).toEqual(Array.from(fixtureSamples('alaw-expand.bin')));
    expect(Array.from(decodeUlaw(codes))).toEqual(Array.from(fixtureSamples('ulaw-expand.bin')));
    expect(Array.from(codes, alawExpand)).toEqual(Array.from(fixtureSamples('alaw-expand.bin')));
    expect(Array.from(codes, ulawExpand)).toEqual(Array.from(fixtureSamples('ulaw-expand.bin')));
  });

  it('gives the same codes from raw little-endian bytes at every alignment and length', () => {
    const raw = pcmBytes(pcm);
    for (const offset of [0, 1, 2, 3]) {
      const host = new Uint8Array(raw.length + 8);
      host.set(raw, offset);
      const view = host.subarray(offset, offset + raw.length);
      expect(mismatches(encodeAlawPcm16le(view), alaw)).toBe(0);
      expect(mismatches(encodeUlawPcm16le(view), ulaw)).toBe(0);
    }
    for (const n of [0, 1, 2, 3, 5, 7]) {
      expect(Array.from(encodeAlawPcm16le(raw.subarray(2, 2 + 2 * n)))).toEqual(
        Array.from(alaw.subarray(1, 1 + n)),
      );
    }
  });

  it('decodes at every alignment and length (fast path and tail agree)', () => {
    const codes = Uint8Array.from({ length: 1031 }, (_, i) => (i * 37) & 0xff);
    const expected = Array.from(codes, ulawExpand);
    for (const offset of [0, 1, 2, 3]) {
      const host = new Uint8Array(codes.length + 4);
      host.set(codes, offset);
      const view = host.subarray(offset, offset + codes.length);
      expect(Array.from(decodeUlaw(view))).toEqual(expected);
      const out = new Int16Array(codes.length + 3).subarray(1);
      expect(Array.from(decodeUlaw(view, out))).toEqual(expected);
    }
  });

  it('writes into a preallocated output and rejects one that is too short', () => {
    const out = new Uint8Array(70000);
    const result = encodeAlaw(pcm, out);
    expect(result.buffer).toBe(out.buffer);
    expect(result.length).toBe(65536);
    expect(mismatches(result, alaw)).toBe(0);
    expect(() => encodeUlaw(pcm, new Uint8Array(10))).toThrow(RangeError);
    expect(() => encodeAlawPcm16le(new Uint8Array(3))).toThrow(/odd/);
  });
});

describe('G.711 known values (Tables 1 and 2 of the Recommendation)', () => {
  it('A-law: zero, the ends of the range, segment boundaries', () => {
    expect(alawCompress(0)).toBe(0xd5);
    expect(alawCompress(-1)).toBe(0x55);
    expect(alawCompress(32767)).toBe(0xaa);
    expect(alawCompress(-32768)).toBe(0x2a);
    expect(alawExpand(0xd5)).toBe(8);
    expect(alawExpand(0x55)).toBe(-8);
    // Largest reconstruction value 4032 in 12-bit units is 32256 left-justified.
    expect(alawExpand(0xaa)).toBe(32256);
    expect(alawExpand(0x2a)).toBe(-32256);
    // First decision value of segment 2 (32 in 12-bit units = 256).
    expect(alawCompress(255)).toBe(0x8f ^ 0x55);
    expect(alawCompress(256)).toBe(0x90 ^ 0x55);
  });

  it('µ-law: zero, the ends of the range, and negative inputs by one’s complement', () => {
    expect(ulawCompress(0)).toBe(0xff);
    expect(ulawCompress(32767)).toBe(0x80);
    expect(ulawCompress(-32768)).toBe(0x00);
    expect(ulawExpand(0xff)).toBe(0);
    expect(ulawExpand(0x7f)).toBe(0);
    // Largest reconstruction value 8031 in 14-bit units is 32124 left-justified.
    expect(ulawExpand(0x80)).toBe(32124);
    expect(ulawExpand(0x00)).toBe(-32124);
    // The reference codes -1..-4 like 0..3 (negative zero 0x7f); negating instead would give 0x7e.
    expect(ulawCompress(-1)).toBe(0x7f);
    expect(ulawCompress(-4)).toBe(0x7f);
    expect(ulawCompress(-5)).toBe(0x7e);
  });

  it('differs from the widely copied Sun linear2ulaw on negative inputs, as the reference does', () => {
    // Sun/CCITT sample code: magnitude by negation (-x) instead of one's complement (~x).
    const sunUlaw = (sample: number): number => {
      let x = sample >> 2;
      let mask = 0xff;
      if (x < 0) {
        x = -x;
        mask = 0x7f;
      }
      if (x > 8159) x = 8159;
      x += 33;
      let seg = 0;
      while (seg < 8 && x > (0x40 << seg) - 1) seg++;
      const code = seg >= 8 ? 0x7f : (seg << 4) | ((x >> (seg + 1)) & 0x0f);
      return code ^ mask;
    };
    const pcm = everySample();
    const reference = fixtureBytes('ulaw-compress.bin');
    const sun = Array.from(pcm, sunUlaw);
    const positives = Array.from(pcm.keys()).filter((i) => pcm[i]! >= 0);
    expect(positives.every((i) => sun[i] === reference[i])).toBe(true);
    expect(mismatches(sun, reference)).toBeGreaterThan(0);
    expect(mismatches(encodeUlaw(pcm), reference)).toBe(0);
  });
});
