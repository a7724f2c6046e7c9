import { describe, expect, it } from 'vitest';
import { G711Transcoder, isG711Format } from './index';
import { fixtureBytes, mismatches } from './testing/fixtures';

/** Every 16-bit sample as raw little-endian bytes, in fixture order. */
function everySampleBytes(): Uint8Array {
  const out = new Uint8Array(131072);
  for (let i = 0; i < 65536; i++) {
    out[2 * i] = i & 0xff;
    out[2 * i + 1] = i >>> 8;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function runChunked(t: G711Transcoder, input: Uint8Array, sizes: number[]): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (let k = 0; at < input.length; k++) {
    const size = sizes[k % sizes.length]!;
    parts.push(t.push(input.subarray(at, at + size)));
    at += size;
  }
  t.end();
  return concat(parts);
}

describe('G711Transcoder', () => {
  const pcm = everySampleBytes();

  it('encodes pcm16 split at odd chunk boundaries like the reference', () => {
    for (const sizes of [[1], [3], [7, 1, 0, 4096], [131072]]) {
      const alaw = runChunked(new G711Transcoder('pcm16', 'alaw'), pcm, sizes);
      expect(mismatches(alaw, fixtureBytes('alaw-compress.bin'))).toBe(0);
    }
    const ulaw = runChunked(new G711Transcoder('pcm16', 'ulaw'), pcm, [4097, 3]);
    expect(mismatches(ulaw, fixtureBytes('ulaw-compress.bin'))).toBe(0);
  });

  it('decodes to little-endian pcm16 and converts laws by the tables', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const decoded = runChunked(new G711Transcoder('ulaw', 'pcm16'), codes, [5]);
    expect(mismatches(decoded, fixtureBytes('ulaw-expand.bin'))).toBe(0);
    const a2u = runChunked(new G711Transcoder('alaw', 'ulaw'), codes, [3, 250]);
    expect(mismatches(a2u, fixtureBytes('alaw-to-ulaw.bin'))).toBe(0);
  });

  it('copies on identity conversions and still rejects an odd pcm16 byte count', () => {
    const bytes = Uint8Array.of(1, 2, 3, 4, 5);
    const t = new G711Transcoder('pcm16', 'pcm16');
    expect(Array.from(runChunked(t, bytes.subarray(0, 4), [3]))).toEqual([1, 2, 3, 4]);
    const odd = new G711Transcoder('pcm16', 'alaw');
    odd.push(bytes);
    expect(() => odd.end()).toThrow(/odd/);
    const alaw = new G711Transcoder('alaw', 'alaw');
    expect(Array.from(runChunked(alaw, bytes, [2]))).toEqual([1, 2, 3, 4, 5]);
  });

  it('recognises exactly the three format names', () => {
    expect(['pcm16', 'alaw', 'ulaw', 'PCM16', 'slin', ''].map(isG711Format)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
