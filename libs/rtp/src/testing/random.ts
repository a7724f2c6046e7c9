// Seeded PRNG for the fuzz loops in the specs (mulberry32): failures are reproducible by seed.
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const hex = (text: string): Uint8Array =>
  Uint8Array.from(text.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));

/** Fills `buffer` with random bytes; some first bytes are forced to version 2 so deeper checks run. */
export function randomBytes(random: () => number, buffer: Uint8Array, length: number): Uint8Array {
  const view = buffer.subarray(0, length);
  for (let i = 0; i < length; i++) view[i] = Math.floor(random() * 256);
  if (length > 0 && random() < 0.75) view[0] = (view[0]! & 0x3f) | 0x80;
  return view;
}
