// Plays one prompt into one leg, 20 ms (160 codes) per call, in the leg's law.
import { convertInto, encodeInto, SILENCE_CODE, type Law } from './law';
import type { PromptAudio } from './prompt';

export const FRAME_SAMPLES = 160; // 20 ms at 8 kHz

export class PromptPlayer {
  private position = 0;

  constructor(
    private readonly prompt: PromptAudio,
    private readonly law: Law,
  ) {}

  /** Milliseconds of the prompt written so far (the last frame counts only its real samples). */
  get playedMs(): number {
    return this.position / 8;
  }

  get done(): boolean {
    return this.position >= this.prompt.pcm.length;
  }

  /**
   * Writes the next 160 codes (20 ms) into `out` (at least 160 long), padding the last frame with
   * the law's silence code. Returns false, writing nothing, once the prompt has finished.
   * A PCM prompt is encoded to the leg's law (G.191-exact); a G.711 prompt is copied or converted
   * by the direct A <-> µ table.
   */
  nextFrame(out: Uint8Array): boolean {
    if (out.length < FRAME_SAMPLES) {
      throw new RangeError(`frame buffer holds ${out.length}, need ${FRAME_SAMPLES}`);
    }
    const total = this.prompt.pcm.length;
    const from = this.position;
    if (from >= total) return false;
    const to = Math.min(from + FRAME_SAMPLES, total);
    const source = this.prompt.g711;
    if (source) convertInto(source.law, this.law, source.codes.subarray(from, to), out);
    else encodeInto(this.law, this.prompt.pcm.subarray(from, to), out);
    if (to - from < FRAME_SAMPLES) out.fill(SILENCE_CODE[this.law], to - from, FRAME_SAMPLES);
    this.position = to;
    return true;
  }
}
