// One side of a media session: the UDP ports we listen on for that party, what its SDP
// negotiated, where its media really comes from (latching), and its statistics.

import { DtmfDetector, ReceiverStats, createRtpHeader, type RtpHeader } from '@ccx/rtp';
import { OutStream } from './out-stream';
import type { PortPair } from './io';
import type { LegName, Law, SrtpPair } from './types';

export interface Address {
  address: string;
  port: number;
}

/** What a leg's SDP negotiated. Unset until the SDP of that party is known. */
export interface LegMedia {
  law: Law;
  /** Payload type of the audio codec on this leg (what the party sends and expects). */
  audioPt: number;
  /** telephone-event payload type, when the party negotiated RFC 4733. */
  eventPt?: number;
  rtcpMux: boolean;
  /** Where the SDP says to send RTP and RTCP until the party's own packets latch us. */
  rtp: Address;
  rtcp: Address;
}

export class Leg {
  readonly out = new OutStream();
  readonly header: RtpHeader = createRtpHeader();
  readonly dtmf = new DtmfDetector();
  media?: LegMedia;
  srtp?: SrtpPair;
  /** Symmetric RTP: the source of the first accepted packet; afterwards only it is accepted. */
  latched?: Address;
  latchedRtcp?: Address;
  stats?: ReceiverStats;
  packetsIn = 0;
  bytesIn = 0;
  bytesOut = 0;
  rtcpIn = 0;
  rtcpOut = 0;
  /** Round-trip time from the party's reports about our stream (§6.4.1), in ms. */
  rttMs?: number;
  /** Loss the party reports about what we send it (fraction, 0..1). */
  remoteFractionLost?: number;
  readonly dropped: Record<string, number> = {};
  digits = '';
  lastActivityMs: number;
  nextRtcpMs = 0;

  constructor(
    readonly name: LegName,
    readonly ports: PortPair,
    nowMs: number,
  ) {
    this.lastActivityMs = nowMs;
  }

  get localPort(): number {
    return this.ports.rtpPort;
  }

  /** Where to send RTP now: the latched source, else the SDP address. */
  get rtpDestination(): Address | undefined {
    return this.latched ?? this.media?.rtp;
  }

  get rtcpDestination(): Address | undefined {
    if (!this.media) return undefined;
    if (this.media.rtcpMux) return this.latched ?? this.media.rtp;
    return this.latchedRtcp ?? this.media.rtcp;
  }

  drop(reason: string): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
  }

  /** Statistics for the stream now arriving from the party; a new SSRC starts fresh ones. */
  statsFor(ssrc: number): ReceiverStats {
    let stats = this.stats;
    if (stats === undefined || stats.ssrc !== ssrc) {
      stats = new ReceiverStats(ssrc, 8000);
      this.stats = stats;
      this.dtmf.reset();
    }
    return stats;
  }
}
