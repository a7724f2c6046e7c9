// Per-source receiver statistics, exactly RFC 3550 Appendix A: A.1 sequence validation, A.3 loss,
// A.8 interarrival jitter, and the reception report block built from them (§6.4.1). No allocation
// per packet: one instance per received SSRC, updated with plain numbers.

import { ntpMiddle32, type ReportBlock } from './rtcp-types';

export const RTP_SEQ_MOD = 1 << 16;
/** A.1: packets in sequence needed before a new source is valid. */
export const MIN_SEQUENTIAL = 2;
/** A.1: largest forward jump still taken as loss rather than a restart. */
export const MAX_DROPOUT = 3000;
/** A.1: largest backward jump taken as reordering or a duplicate. */
export const MAX_MISORDER = 100;

export class ReceiverStats {
  /** Highest sequence number seen (low 16 bits of the extended one). */
  maxSeq = 0;
  /** Sequence-number wraparounds, shifted left by 16 (A.1 keeps it that way). */
  cycles = 0;
  baseSeq = 0;
  /** Last "bad" sequence number + 1: a second packet continuing a big jump restarts the source. */
  badSeq = RTP_SEQ_MOD + 1;
  /** Sequential packets still needed before the source is valid. */
  probation = MIN_SEQUENTIAL;
  received = 0;
  expectedPrior = 0;
  receivedPrior = 0;
  /** A.8 estimate in timestamp units, as a float; reports carry its integer part. */
  jitter = 0;
  /** Packets rejected by A.1 (probation, big jumps) and not counted as received. */
  rejected = 0;
  private hasTransit = false;
  private lastArrival = 0;
  private lastTimestamp = 0;
  private lastSr = 0;
  private lastSrArrivalMs = 0;
  private hasSr = false;
  private started = false;

  /**
   * @param ssrc the source these statistics describe
   * @param clockRate RTP clock rate in Hz (8000 for G.711), to bring arrival times to timestamp units
   */
  constructor(
    readonly ssrc: number,
    readonly clockRate: number,
  ) {}

  /** A.1 init_seq. */
  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** Starts probation with the first packet seen from the source (A.1, "source is new"). */
  private begin(seq: number): void {
    this.initSeq(seq);
    this.maxSeq = (seq - 1) & 0xffff;
    this.probation = MIN_SEQUENTIAL;
  }

  /**
   * A.1 update_seq: returns true when the packet is valid and counted. A false return means the
   * source is on probation or the packet is a jump we do not trust yet.
   */
  updateSeq(seq: number): boolean {
    if (!this.started) {
      this.started = true;
      this.begin(seq);
    }
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          return true;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      this.rejected++;
      return false;
    } else if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: trust it only if the next packet follows it (the sender restarted).
      if (seq === this.badSeq) {
        this.initSeq(seq);
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        this.rejected++;
        return false;
      }
    }
    // Otherwise a duplicate or reordered packet: counted, max unchanged.
    this.received++;
    return true;
  }

  /**
   * A.8: updates the jitter with a packet of RTP timestamp `timestamp` that arrived at `arrivalMs`
   * (any monotonic millisecond clock). D(i−1,i) = (Rj − Ri) − (Sj − Si) is the change of transit
   * time; the timestamp difference is taken modulo 2^32 so that wraparound is harmless.
   */
  updateJitter(timestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    if (this.hasTransit) {
      let d = arrival - this.lastArrival - ((timestamp - this.lastTimestamp) | 0);
      if (d < 0) d = -d;
      this.jitter += (d - this.jitter) / 16;
    }
    this.hasTransit = true;
    this.lastArrival = arrival;
    this.lastTimestamp = timestamp;
  }

  /** Counts a received RTP packet: sequence validation, then jitter for valid ones. */
  onPacket(seq: number, timestamp: number, arrivalMs: number): boolean {
    if (!this.updateSeq(seq)) return false;
    this.updateJitter(timestamp, arrivalMs);
    return true;
  }

  /** Remembers an SR from this source for LSR/DLSR (§6.4.1). */
  onSenderReport(ntpSeconds: number, ntpFraction: number, arrivalMs: number): void {
    this.lastSr = ntpMiddle32(ntpSeconds, ntpFraction);
    this.lastSrArrivalMs = arrivalMs;
    this.hasSr = true;
  }

  /** A.3: extended highest sequence number received. */
  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  /** A.3: packets expected since the source became valid (0 while on probation). */
  get expected(): number {
    return this.received === 0 && this.probation > 0 ? 0 : this.extendedMax - this.baseSeq + 1;
  }

  /** A.3: cumulative loss, negative with duplicates, clamped to the 24-bit signed field. */
  get cumulativeLost(): number {
    return Math.max(-0x800000, Math.min(0x7fffff, this.expected - this.received));
  }

  /**
   * The report block for this source at `nowMs` (same clock as the SR arrivals). Computes the
   * fraction lost since the previous call (A.3), so call it once per report sent.
   */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval === 0 || lostInterval <= 0
        ? 0
        : Math.floor((lostInterval * 256) / expectedInterval);
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(fractionLost, 255),
      cumulativeLost: this.cumulativeLost,
      extendedHighestSequence: this.extendedMax >>> 0,
      jitter: Math.floor(this.jitter),
      lastSr: this.hasSr ? this.lastSr : 0,
      delaySinceLastSr: this.hasSr
        ? Math.max(0, Math.round(((nowMs - this.lastSrArrivalMs) * 65536) / 1000))
        : 0,
    };
  }
}
