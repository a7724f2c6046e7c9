// Test helper: the golden vectors produced by the ITU-T G.191 reference (test/fixtures/g711).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURE_DIR = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'g711');

export function fixtureBytes(name: string): Uint8Array {
  const buf = readFileSync(join(FIXTURE_DIR, name));
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength).slice();
}

/** A fixture of signed 16-bit little-endian samples. */
export function fixtureSamples(name: string): Int16Array {
  const bytes = fixtureBytes(name);
  const view = new DataView(bytes.buffer);
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true);
  return out;
}

/** Every 16-bit sample, in the order of the fixtures (index = unsigned 16-bit pattern). */
export function everySample(): Int16Array {
  const pcm = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) pcm[i] = (i << 16) >> 16;
  return pcm;
}

export function everyCode(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, i) => i);
}

/** Number of positions where two arrays differ (same length asserted by the caller). */
export function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}
