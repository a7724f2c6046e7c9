// The RTP stream we send on a leg (RFC 3550 §5.1, §8.2 for a translator that terminates RTCP).
//
// We are the source on each leg: one SSRC of our own per leg for the whole call, whatever feeds
// it (the other leg's packets, a prompt, a new SSRC after a transfer on the other side). Sequence
// numbers and timestamps follow the input with a constant offset per input stream, so gaps
// (loss) and timestamp jumps (silence suppression, DTMF) carry through unchanged. When the
// input changes (a new SSRC, the start or end of a prompt) the offsets are recomputed so the
// output goes on from where it was: sequence + 1, and the timestamp advanced by the wall-clock
// time since the last packet. The first packet after such a change carries the marker bit.

import { randomInt } from 'node:crypto';
import {
  MAX_DROPOUT,
  MAX_MISORDER,
  setRtpMarker,
  setRtpSequence,
  setRtpSsrc,
  setRtpTimestamp,
} from '@ccx/rtp';

const randomUint32 = () => randomInt(0, 0x1_0000_0000) >>> 0;

export class OutStream {
  readonly ssrc = randomUint32();
  /** Packets and payload octets sent, for our sender reports (§6.4.1). */
  packets = 0;
  octets = 0;
  /** The last timestamp sent and when (ms, monotonic), to extrapolate the SR's RTP timestamp. */
  lastTimestamp = randomUint32();
  lastSentMs = 0;
  private lastSequence = randomInt(0, 0x8000);
  private seqOffset = 0;
  private tsOffset = 0;
  /** The input stream the offsets belong to (-1: none, or our own prompt). */
  private source = -1;
  private hasSent = false;
  private lastInSequence = 0;

  constructor(private readonly clockRate = 8000) {}

  /** Forgets the input so that the next packet re-anchors (after a prompt, on re-INVITE). */
  reanchor(): void {
    this.source = -1;
  }

  /**
   * Rewrites a forwarded packet in place: our SSRC, the input's sequence and timestamp shifted
   * into our stream. `inSsrc` identifies the input stream.
   */
  forward(
    packet: Uint8Array,
    inSsrc: number,
    inSequence: number,
    inTimestamp: number,
    nowMs: number,
  ): void {
    // A jump beyond what loss or reordering explain (RFC 3550 A.1 MAX_DROPOUT / MAX_MISORDER) is
    // treated as a new input stream: our sequence goes on by one instead of jumping with it, so
    // one odd packet cannot throw our numbering (and the SRTP index of the leg) far ahead.
    const jump = ((inSequence - this.lastInSequence) << 16) >> 16;
    const changed = this.source !== inSsrc || jump > MAX_DROPOUT || jump < -MAX_MISORDER;
    this.lastInSequence = inSequence;
    if (changed) {
      const next = this.nextTimestamp(nowMs);
      this.seqOffset = (this.lastSequence + 1 - inSequence) & 0xffff;
      this.tsOffset = (next - inTimestamp) >>> 0;
      this.source = inSsrc;
      setRtpMarker(packet, true);
    }
    const sequence = (inSequence + this.seqOffset) & 0xffff;
    const timestamp = (inTimestamp + this.tsOffset) >>> 0;
    setRtpSsrc(packet, this.ssrc);
    setRtpSequence(packet, sequence);
    setRtpTimestamp(packet, timestamp);
    // Reordered input stays reordered: only a newer packet moves "last" forward.
    if (!this.hasSent || changed || ((sequence - this.lastSequence) & 0x8000) === 0) {
      this.lastSequence = sequence;
      this.lastTimestamp = timestamp;
      this.lastSentMs = nowMs;
    }
    this.hasSent = true;
  }

  /**
   * Sequence and timestamp for a packet we generate ourselves (a prompt frame of `samples`):
   * continuous with whatever was sent before.
   */
  generate(
    samples: number,
    nowMs: number,
  ): { sequence: number; timestamp: number; marker: boolean } {
    const marker = this.source !== -2;
    const timestamp = marker ? this.nextTimestamp(nowMs) : (this.lastTimestamp + samples) >>> 0;
    this.source = -2;
    this.lastSequence = (this.lastSequence + 1) & 0xffff;
    this.lastTimestamp = timestamp;
    this.lastSentMs = nowMs;
    this.hasSent = true;
    return { sequence: this.lastSequence, timestamp, marker };
  }

  /** Counts a packet handed to the socket. */
  sent(payloadOctets: number): void {
    this.packets++;
    this.octets += payloadOctets;
  }

  /** The RTP timestamp that corresponds to `nowMs` (§6.4.1: same clock as the data packets). */
  timestampAt(nowMs: number): number {
    if (!this.hasSent) return this.lastTimestamp;
    return (
      (this.lastTimestamp + Math.round(((nowMs - this.lastSentMs) * this.clockRate) / 1000)) >>> 0
    );
  }

  private nextTimestamp(nowMs: number): number {
    if (!this.hasSent) return this.lastTimestamp;
    // At least one sample later, so a re-anchored stream never repeats a timestamp.
    const elapsed = Math.max(1, Math.round(((nowMs - this.lastSentMs) * this.clockRate) / 1000));
    return (this.lastTimestamp + elapsed) >>> 0;
  }
}
