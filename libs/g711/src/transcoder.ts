// Streaming conversion between raw pcm16 (signed 16-bit little-endian), A-law and µ-law bytes,
// chunk by chunk: a pcm16 sample split across two chunks is carried over to the next one.
import { endianness } from 'node:os';
import {
  alawToUlaw,
  decodeAlaw,
  decodeUlaw,
  encodeAlawPcm16le,
  encodeUlawPcm16le,
  ulawToAlaw,
} from './codec';

export const G711_FORMATS = ['pcm16', 'alaw', 'ulaw'] as const;
export type G711Format = (typeof G711_FORMATS)[number];

export function isG711Format(value: string): value is G711Format {
  return (G711_FORMATS as readonly string[]).includes(value);
}

const LITTLE_ENDIAN = endianness() === 'LE';

function pcm16Bytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < out.length; i += 2) {
      const t = out[i]!;
      out[i] = out[i + 1]!;
      out[i + 1] = t;
    }
  }
  return out;
}

type Step = (input: Uint8Array) => Uint8Array;

function stepFor(from: G711Format, to: G711Format): Step {
  if (from === to) return (input) => input.slice();
  if (from === 'pcm16')
    return to === 'alaw' ? (i) => encodeAlawPcm16le(i) : (i) => encodeUlawPcm16le(i);
  if (to === 'pcm16') {
    return from === 'alaw' ? (i) => pcm16Bytes(decodeAlaw(i)) : (i) => pcm16Bytes(decodeUlaw(i));
  }
  return from === 'alaw' ? (i) => alawToUlaw(i) : (i) => ulawToAlaw(i);
}

/**
 * Converts a byte stream from one format to another. `push` returns a fresh output array per
 * chunk (safe to hand to an asynchronous writer); `end` throws a RangeError when the pcm16
 * input had an odd number of bytes.
 */
export class G711Transcoder {
  private readonly step: Step;
  private readonly pcmInput: boolean;
  private staging = new Uint8Array(0);
  private pending = -1;

  constructor(
    readonly from: G711Format,
    readonly to: G711Format,
  ) {
    this.step = stepFor(from, to);
    this.pcmInput = from === 'pcm16';
  }

  push(chunk: Uint8Array): Uint8Array {
    if (!this.pcmInput) return this.step(chunk);
    // Stage into an aligned buffer: the carried byte first, then an even number of bytes.
    const carried = this.pending >= 0 ? 1 : 0;
    const total = carried + chunk.length;
    const even = total & ~1;
    if (this.staging.length < even) this.staging = new Uint8Array(Math.max(even, 65536));
    const staged = this.staging.subarray(0, even);
    if (carried) staged[0] = this.pending;
    staged.set(chunk.subarray(0, even - carried), carried);
    if (total % 2 === 0) this.pending = -1;
    else if (chunk.length > 0) this.pending = chunk[chunk.length - 1]!;
    return even === 0 ? new Uint8Array(0) : this.step(staged);
  }

  end(): void {
    if (this.pending >= 0) throw new RangeError('pcm16 input has an odd number of bytes');
  }
}
