// Turns a stream of RFC 4733 event packets into one detection per key press. All packets of one
// event share the RTP timestamp of its start (§2.3.4); updates and the three end packets repeat
// it, so a detection is made on the first packet seen with a new timestamp, whichever it is
// (an event whose first packets were lost is still detected from its updates or end packets).

import { createTelephoneEvent, dtmfDigit, parseTelephoneEvent } from './telephone-event';

export interface DtmfDetection {
  digit: string;
  event: number;
  /** RTP timestamp of the event start. */
  timestamp: number;
  volume: number;
}

export class DtmfDetector {
  /** Payloads too short to hold an event block. */
  malformed = 0;
  private readonly scratch = createTelephoneEvent();
  private hasLast = false;
  private lastTimestamp = 0;
  private lastEvent = -1;
  private lastEnded = false;
  private lastDuration = 0;

  /** Forgets the current event (call when the source SSRC changes). */
  reset(): void {
    this.hasLast = false;
  }

  /**
   * Feeds one telephone-event packet: its RTP timestamp and payload bytes[offset, offset + length).
   * Returns the detection when the packet starts a new DTMF event, otherwise undefined
   * (updates, retransmitted end packets, duplicates, late packets, non-DTMF events).
   */
  onPacket(
    timestamp: number,
    bytes: Uint8Array,
    offset = 0,
    length = bytes.length - offset,
  ): DtmfDetection | undefined {
    const value = parseTelephoneEvent(bytes, offset, length, this.scratch);
    if (value === 'short') {
      this.malformed++;
      return undefined;
    }
    if (this.hasLast) {
      const delta = (timestamp - this.lastTimestamp) | 0;
      if (delta === 0) {
        this.lastEnded ||= value.end;
        if (value.duration > this.lastDuration) this.lastDuration = value.duration;
        return undefined;
      }
      // A packet of an earlier event arriving late (reordered retransmission).
      if (delta < 0) return undefined;
      // §2.5.1.3: an event longer than the 16-bit duration continues in a new segment whose
      // timestamp is the previous one plus its duration, without an end packet in between.
      if (value.event === this.lastEvent && !this.lastEnded && delta <= this.lastDuration) {
        this.lastTimestamp = timestamp;
        this.lastDuration = value.duration;
        this.lastEnded = value.end;
        return undefined;
      }
    }
    this.hasLast = true;
    this.lastTimestamp = timestamp;
    this.lastEvent = value.event;
    this.lastEnded = value.end;
    this.lastDuration = value.duration;
    const digit = dtmfDigit(value.event);
    return digit === undefined
      ? undefined
      : { digit, event: value.event, timestamp, volume: value.volume };
  }
}
