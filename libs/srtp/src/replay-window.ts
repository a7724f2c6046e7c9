// Replay protection (RFC 3711 §3.3.2): the highest packet index authenticated so far and a
// bitmap of which of the `size` indices up to it were seen. The bitmap is a ring indexed by
// `index mod size`; `size` is a power of two from 64 to 32768, so it divides 2^16 and the slot
// of an SRTP index is simply its low bits.

export const DEFAULT_REPLAY_WINDOW = 128;
export const MIN_REPLAY_WINDOW = 64;
export const MAX_REPLAY_WINDOW = 32768;

export type ReplayVerdict = 'ok' | 'replay' | 'too-old';

export class ReplayWindow {
  /** Highest index accepted, or -1 before the first. */
  highest = -1;
  private readonly bits: Uint32Array;
  private readonly mask: number;

  constructor(readonly size: number) {
    this.bits = new Uint32Array(size >>> 5);
    this.mask = size - 1;
  }

  /** Whether `index` may be accepted; changes nothing. */
  check(index: number): ReplayVerdict {
    const highest = this.highest;
    if (index > highest) return 'ok';
    if (highest - index >= this.size) return 'too-old';
    const slot = index & this.mask;
    return (this.bits[slot >>> 5]! & (1 << (slot & 31))) !== 0 ? 'replay' : 'ok';
  }

  /** Records `index` as seen (call only after check() said 'ok' and the packet authenticated). */
  accept(index: number): void {
    const mask = this.mask;
    if (index > this.highest) {
      if (this.highest < 0 || index - this.highest >= this.size) this.bits.fill(0);
      else for (let i = this.highest + 1; i < index; i++) this.clear(i & mask);
      this.highest = index;
    }
    const slot = index & mask;
    this.bits[slot >>> 5] = this.bits[slot >>> 5]! | (1 << (slot & 31));
  }

  private clear(slot: number): void {
    this.bits[slot >>> 5] = this.bits[slot >>> 5]! & ~(1 << (slot & 31));
  }
}

/** Validates a configured window size. */
export const isValidReplayWindow = (size: number): boolean =>
  Number.isInteger(size) &&
  size >= MIN_REPLAY_WINDOW &&
  size <= MAX_REPLAY_WINDOW &&
  (size & (size - 1)) === 0;
