// Where one leg's packets go on the recording's timeline (in 8 kHz samples from the start).
//
// The first packet, and the first after an SSRC change, is placed by its arrival time. Later
// packets are placed by their RTP timestamp relative to the latest packet seen (32-bit wrap-safe:
// the signed difference of the two timestamps), so network jitter does not move audio around.
// The leg is anchored again by arrival time when that would put a packet more than 2 s away
// from its arrival (a timestamp jump, or a sender clock that drifted), or when a packet that is
// new for this leg would land in audio already written (the stream fell behind the timeline).
// Reordered or duplicate packets (not newer than the latest) are never used to re-anchor.

export const SAMPLES_PER_MS = 8;
export const REANCHOR_SAMPLES = 2000 * SAMPLES_PER_MS;

export class LegTimeline {
  packets = 0;
  reanchors = 0;
  late = 0;
  private anchored = false;
  private ssrc = 0;
  private latestTs = 0;
  private latestPos = 0;

  /**
   * Position of a packet's first sample. `arrival` is the arrival time as a position, `flushed`
   * the position up to which the recording is already written.
   */
  locate(timestamp: number, ssrc: number, arrival: number, flushed: number): number {
    this.packets++;
    if (!this.anchored || ssrc !== this.ssrc) return this.anchor(timestamp, ssrc, arrival);
    const pos = this.latestPos + ((timestamp - this.latestTs) | 0);
    const newer = pos > this.latestPos;
    if (Math.abs(pos - arrival) > REANCHOR_SAMPLES || (newer && pos < flushed)) {
      return this.anchor(timestamp, ssrc, arrival);
    }
    if (newer) {
      this.latestPos = pos;
      this.latestTs = timestamp;
    }
    return pos;
  }

  private anchor(timestamp: number, ssrc: number, arrival: number): number {
    if (this.anchored) this.reanchors++;
    this.anchored = true;
    this.ssrc = ssrc;
    this.latestTs = timestamp;
    this.latestPos = arrival;
    return arrival;
  }
}
