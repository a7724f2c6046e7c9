// A media session: two legs and the packet path between them.
//
// Per datagram: strict source check (after latching), demultiplex RTP/RTCP (RFC 5761),
// SRTP unprotect, RTP parse, payload-type check, statistics, latching, recording, DTMF
// detection; then, towards the other leg: G.711 law conversion in place when the laws differ,
// payload-type mapping, our SSRC and continuous sequence/timestamps, SRTP protect, send.
// Nothing here throws on input: every refused datagram is counted by reason on its leg.

import { performance } from 'node:perf_hooks';
import type { CallRecorder, PromptPlayer } from '@ccx/media-files';
import { classifyPacket, isRtpDrop, parseRtp, setRtpPayloadType, writeRtpHeader } from '@ccx/rtp';
import { Leg } from './leg';
import type { PortPair } from './io';
import { buildReport, nextReportDelay, receiveRtcp } from './rtcp-agent';
import { convertInPlace } from './transcode';
import type { LegName, RelayListener, SessionRef } from './types';

/** What the session needs of a prompt player and a recorder (@ccx/media-files). */
export type PromptFrames = Pick<PromptPlayer, 'nextFrame' | 'playedMs' | 'done'>;
export type Recorder = Pick<CallRecorder, 'push' | 'stop'>;

interface Playing {
  leg: Leg;
  name: string;
  frames: PromptFrames;
  bargeIn: boolean;
  startedMs: number;
  sent: number;
}

const FRAME_MS = 20;
const FRAME_SAMPLES = 160;

export class Session implements SessionRef {
  readonly a: Leg;
  readonly b: Leg;
  state: 'offered' | 'answered' = 'offered';
  recorder?: Recorder;
  recordingFile?: string;
  private playing?: Playing;
  private readonly frame = new Uint8Array(12 + FRAME_SAMPLES);
  closed = false;

  constructor(
    readonly sessionId: string,
    readonly tenantId: string,
    readonly callId: string,
    portsA: PortPair,
    portsB: PortPair,
    private readonly cname: string,
    private readonly listener: RelayListener,
    private readonly rtcpIntervalMs: number,
    nowMs = performance.now(),
  ) {
    this.a = new Leg('a', portsA, nowMs);
    this.b = new Leg('b', portsB, nowMs);
    this.listen(this.a, this.b);
    this.listen(this.b, this.a);
  }

  get transcoding(): boolean {
    const la = this.a.media?.law;
    const lb = this.b.media?.law;
    return la !== undefined && lb !== undefined && la !== lb;
  }

  leg(name: LegName): Leg {
    return name === 'a' ? this.a : this.b;
  }

  /** Last time either leg accepted a packet. */
  get lastActivityMs(): number {
    return Math.max(this.a.lastActivityMs, this.b.lastActivityMs);
  }

  private listen(from: Leg, to: Leg): void {
    const onError = (err: Error) => {
      from.drop('socket-error');
      this.listener.sendError?.(this, from.name, err);
    };
    from.ports.rtp.listen(
      (msg, address, port) => this.onDatagram(from, to, msg, address, port, false),
      onError,
    );
    from.ports.rtcp.listen(
      (msg, address, port) => this.onDatagram(from, to, msg, address, port, true),
      onError,
    );
  }

  onDatagram(
    from: Leg,
    to: Leg,
    msg: Uint8Array,
    address: string,
    port: number,
    rtcpPort: boolean,
  ): void {
    if (this.closed) return;
    const kind = classifyPacket(msg);
    if (rtcpPort || kind === 'rtcp') {
      this.onRtcp(from, msg, address, port, rtcpPort);
      return;
    }
    const latched = from.latched;
    if (latched !== undefined && (port !== latched.port || address !== latched.address)) {
      from.drop('foreign-source');
      return;
    }
    if (kind !== 'rtp') {
      from.drop(kind === 'unknown' ? 'not-rtp' : `unsupported-${kind}`);
      return;
    }
    const media = from.media;
    if (media === undefined) {
      from.drop('not-negotiated');
      return;
    }
    let packet: Uint8Array = msg;
    if (from.srtp !== undefined) {
      const clear = from.srtp.unprotectRtp(msg);
      if (typeof clear === 'string') {
        from.drop(`srtp-${clear}`);
        return;
      }
      packet = clear;
    }
    const h = parseRtp(packet, from.header);
    if (isRtpDrop(h)) {
      from.drop(h);
      return;
    }
    const pt = h.payloadType;
    const isAudio = pt === media.audioPt;
    if (!isAudio && pt !== media.eventPt) {
      from.drop('unknown-payload-type');
      return;
    }
    const now = performance.now();
    if (latched === undefined) from.latched = { address, port };
    from.lastActivityMs = now;
    from.packetsIn++;
    from.bytesIn += msg.length;
    from.statsFor(h.ssrc).onPacket(h.sequence, h.timestamp, now);

    if (isAudio) {
      const recorder = this.recorder;
      if (recorder !== undefined) {
        const payload = packet.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength);
        recorder.push(from === this.a ? 0 : 1, payload, media.law, h.timestamp, h.ssrc, now);
      }
    } else {
      const detected = from.dtmf.onPacket(h.timestamp, packet, h.payloadOffset, h.payloadLength);
      if (detected !== undefined) this.onDigit(from, detected.digit, packet, h.payloadOffset);
    }
    this.forward(from, to, packet, isAudio, now);
  }

  private forward(from: Leg, to: Leg, packet: Uint8Array, isAudio: boolean, now: number): void {
    const target = to.media;
    const dest = to.rtpDestination;
    if (target === undefined || dest === undefined) {
      from.drop('peer-not-ready');
      return;
    }
    // A prompt playing into the other leg replaces what this party says.
    if (this.playing?.leg === to) return;
    const h = from.header;
    if (isAudio) {
      const law = from.media?.law;
      if (law !== undefined && law !== target.law)
        convertInPlace(packet, h.payloadOffset, h.payloadLength, law);
      setRtpPayloadType(packet, target.audioPt);
    } else {
      if (target.eventPt === undefined) {
        from.drop('dtmf-not-negotiated');
        return;
      }
      setRtpPayloadType(packet, target.eventPt);
    }
    to.out.forward(packet, h.ssrc, h.sequence, h.timestamp, now);
    this.send(to, packet, h.payloadLength, dest.port, dest.address);
  }

  private send(
    to: Leg,
    clear: Uint8Array,
    payloadLength: number,
    port: number,
    address: string,
  ): void {
    const wire = to.srtp !== undefined ? to.srtp.protectRtp(clear) : clear;
    if (typeof wire === 'string') {
      to.drop(`srtp-protect-${wire}`);
      return;
    }
    to.out.sent(payloadLength);
    to.bytesOut += wire.length;
    to.ports.rtp.send(wire, port, address);
  }

  private onDigit(from: Leg, digit: string, packet: Uint8Array, payloadOffset: number): void {
    from.digits = (from.digits + digit).slice(-64);
    const duration = ((packet[payloadOffset + 2] ?? 0) << 8) | (packet[payloadOffset + 3] ?? 0);
    this.listener.dtmf?.(this, from.name, digit, Math.round(duration / 8));
    const playing = this.playing;
    if (playing !== undefined && playing.leg === from && playing.bargeIn) {
      this.endPrompt('barge-in');
    }
  }

  private onRtcp(
    from: Leg,
    msg: Uint8Array,
    address: string,
    port: number,
    rtcpPort: boolean,
  ): void {
    const media = from.media;
    if (media === undefined) {
      from.drop('not-negotiated');
      return;
    }
    const latched = rtcpPort ? from.latchedRtcp : from.latched;
    if (latched !== undefined && (port !== latched.port || address !== latched.address)) {
      from.drop('foreign-source');
      return;
    }
    let packet: Uint8Array = msg;
    if (from.srtp !== undefined) {
      const clear = from.srtp.unprotectRtcp(msg);
      if (typeof clear === 'string') {
        from.drop(`srtcp-${clear}`);
        return;
      }
      packet = clear;
    }
    const before = from.rtcpIn;
    const now = performance.now();
    receiveRtcp(from, packet, now, Date.now());
    // A call on hold (a=inactive) sends no RTP but keeps reporting: it is not idle.
    if (from.rtcpIn > before) from.lastActivityMs = now;
    // Latch RTCP only on a report that parsed; a muxed one must come from the latched RTP source.
    if (from.rtcpIn > before && latched === undefined && rtcpPort) {
      from.latchedRtcp = { address, port };
    }
  }

  /** Sends our RTCP report on every leg that is due (called by the engine's housekeeping). */
  reportIfDue(now: number, unixMs: number): void {
    for (const leg of [this.a, this.b]) {
      if (leg.media === undefined || now < leg.nextRtcpMs) continue;
      leg.nextRtcpMs = now + nextReportDelay(this.rtcpIntervalMs);
      const dest = leg.rtcpDestination;
      if (dest === undefined) continue;
      const compound = buildReport(leg, this.cname, now, unixMs);
      const wire = leg.srtp !== undefined ? leg.srtp.protectRtcp(compound) : compound;
      if (typeof wire === 'string') {
        leg.drop(`srtcp-protect-${wire}`);
        continue;
      }
      const socket = leg.media.rtcpMux ? leg.ports.rtp : leg.ports.rtcp;
      leg.rtcpOut++;
      socket.send(wire, dest.port, dest.address);
    }
  }

  /** Starts a prompt into `leg` (replacing one already playing). */
  play(
    legName: LegName,
    name: string,
    frames: PromptFrames,
    bargeIn: boolean,
    now = performance.now(),
  ): void {
    if (this.playing !== undefined) this.endPrompt('stopped');
    const leg = this.leg(legName);
    this.playing = { leg, name, frames, bargeIn, startedMs: now, sent: 0 };
  }

  get promptPlaying(): boolean {
    return this.playing !== undefined;
  }

  /** Sends the prompt frames due by `now` (the engine ticks every ~10 ms while prompts play). */
  tickPrompt(now: number): void {
    const p = this.playing;
    if (p === undefined) return;
    const media = p.leg.media;
    const dest = p.leg.rtpDestination;
    const due = Math.floor((now - p.startedMs) / FRAME_MS) + 1;
    const frame = this.frame;
    while (p.sent < due) {
      if (!p.frames.nextFrame(frame.subarray(12))) {
        this.endPrompt('completed');
        return;
      }
      p.sent++;
      if (media === undefined || dest === undefined) continue;
      const { sequence, timestamp, marker } = p.leg.out.generate(FRAME_SAMPLES, now);
      writeRtpHeader(frame, {
        payloadType: media.audioPt,
        sequence,
        timestamp,
        ssrc: p.leg.out.ssrc,
        marker,
      });
      // The socket keeps the buffer until sent: hand it a copy, the frame buffer is reused.
      this.send(p.leg, Uint8Array.from(frame), FRAME_SAMPLES, dest.port, dest.address);
    }
  }

  stopPrompt(): boolean {
    if (this.playing === undefined) return false;
    this.endPrompt('stopped');
    return true;
  }

  private endPrompt(reason: 'completed' | 'barge-in' | 'stopped'): void {
    const p = this.playing;
    if (p === undefined) return;
    this.playing = undefined;
    p.leg.out.reanchor();
    this.listener.promptEnded?.(this, p.leg.name, p.name, reason, Math.round(p.frames.playedMs));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.playing = undefined;
  }
}
