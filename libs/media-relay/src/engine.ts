// The relay of one media worker: sessions by (tenant, call), ports from the configured range,
// offer/answer/delete/query/play/record, and housekeeping (RTCP reports, prompt frames, reaping
// of sessions that see no media).

import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseMediaSdp, type MediaSdp } from '@ccx/sdp';
import { legStats, type LegStats } from './stats';
import {
  NegotiationError,
  negotiateAnswer,
  negotiateLocalAnswer,
  negotiateOffer,
  type Negotiation,
  type OfferOptions,
  type SrtpFactory,
} from './negotiation';
import { createPacketIo, type IoKind, type PacketIo } from './io';
import { RTCP_INTERVAL_MS } from './rtcp-agent';
import { Session, type PromptFrames, type Recorder } from './session';
import type { LegName, Law, RelayListener } from './types';

export interface EngineOptions {
  workerId: string;
  bindAddress: string;
  /** Address written into our SDP (defaults to bindAddress). */
  advertiseAddress?: string;
  portMin: number;
  portMax: number;
  maxSessions?: number;
  idleTimeoutMs: number;
  /** Socket I/O: the batched native receiver when built (`auto`, the default), or node:dgram. */
  io?: IoKind;
  /** Mean interval of our RTCP reports per leg (randomised 0.5–1.5×); RFC 3550 suggests 5 s. */
  rtcpIntervalMs?: number;
  recordingDir: string;
  makeSrtp: SrtpFactory;
  /** Prompt playback: loads a prompt by file name and returns frames in the leg's law. */
  openPrompt(name: string, law: Law): Promise<{ frames: PromptFrames; durationMs: number }>;
  openRecorder(path: string, nowMs: number): Promise<Recorder>;
  listener?: RelayListener;
}

export class SessionNotFoundError extends Error {
  constructor(tenantId: string, callId: string) {
    super(`no media session for call ${callId} of tenant ${tenantId}`);
    this.name = 'SessionNotFoundError';
  }
}

export class CapacityError extends Error {
  constructor(max: number) {
    super(`media worker at capacity (${max} sessions)`);
    this.name = 'CapacityError';
  }
}

interface Entry {
  session: Session;
  negotiation: Negotiation;
}

function addLegs(
  t: { packetsIn: number; packetsOut: number; dropped: Record<string, number> },
  session: Session,
): void {
  for (const leg of [session.a, session.b]) {
    t.packetsIn += leg.packetsIn;
    t.packetsOut += leg.out.packets;
    for (const [reason, n] of Object.entries(leg.dropped))
      t.dropped[reason] = (t.dropped[reason] ?? 0) + n;
  }
}

const parse = (sdp: string, what: string): MediaSdp => {
  const result = parseMediaSdp(sdp);
  if (!result.ok) throw new NegotiationError(`${what}: ${result.error}`);
  return result.sdp;
};

export class MediaEngine {
  private readonly sessions = new Map<string, Entry>();
  private readonly ports: PacketIo;
  private readonly advertise: string;
  private readonly listener: RelayListener;
  private readonly housekeeping: NodeJS.Timeout;
  private promptTimer?: NodeJS.Timeout;
  reaped = 0;
  /** Counters of sessions already removed, so totals never go down. */
  private readonly retired = { packetsIn: 0, packetsOut: 0, dropped: {} as Record<string, number> };

  constructor(private readonly options: EngineOptions) {
    this.ports = createPacketIo(
      options.io ?? 'auto',
      options.portMin,
      options.portMax,
      options.bindAddress,
    );
    this.advertise = options.advertiseAddress ?? options.bindAddress;
    this.listener = options.listener ?? {};
    this.housekeeping = setInterval(() => this.tick(), 250);
    this.housekeeping.unref();
  }

  /** Sessions this worker accepts: two port pairs each, bounded by maxSessions. */
  get capacity(): number {
    const byPorts = Math.floor(this.ports.capacity / 2);
    return Math.min(byPorts, this.options.maxSessions ?? byPorts);
  }

  /** Which socket I/O the engine runs on (`batch` or `dgram`). */
  get ioKind(): 'batch' | 'dgram' {
    return this.ports.kind;
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  get transcodingSessions(): number {
    let n = 0;
    for (const { session } of this.sessions.values()) if (session.transcoding) n++;
    return n;
  }

  private key = (tenantId: string, callId: string) => `${tenantId}\u0000${callId}`;

  private entry(tenantId: string, callId: string): Entry {
    const e = this.sessions.get(this.key(tenantId, callId));
    if (e === undefined) throw new SessionNotFoundError(tenantId, callId);
    return e;
  }

  async offer(tenantId: string, callId: string, sdp: string, options: OfferOptions) {
    const offer = parse(sdp, 'offer');
    const existing = this.sessions.get(this.key(tenantId, callId));
    if (existing !== undefined) {
      // A re-offer (re-INVITE, or the same offer retried): same ports and keys, new parameters.
      const { session } = existing;
      const result = this.negotiate(offer, options, session, existing.negotiation);
      existing.negotiation = result.negotiation;
      return {
        sessionId: session.sessionId,
        sdp: result.sdp,
        workerId: this.options.workerId,
        ...this.localAnswer(options, result.negotiation, session),
      };
    }
    if (this.sessions.size >= this.capacity) throw new CapacityError(this.capacity);
    const portsA = await this.ports.allocate();
    let portsB;
    try {
      portsB = await this.ports.allocate();
    } catch (err) {
      this.ports.release(portsA);
      throw err;
    }
    const sessionId = randomUUID();
    const session = new Session(
      sessionId,
      tenantId,
      callId,
      portsA,
      portsB,
      `${this.options.workerId}@ccx`,
      this.listener,
      this.options.rtcpIntervalMs ?? RTCP_INTERVAL_MS,
    );
    try {
      const result = this.negotiate(offer, options, session);
      this.sessions.set(this.key(tenantId, callId), { session, negotiation: result.negotiation });
      return {
        sessionId,
        sdp: result.sdp,
        workerId: this.options.workerId,
        ...this.localAnswer(options, result.negotiation, session),
      };
    } catch (err) {
      this.release(session);
      throw err;
    }
  }

  /** `answerA`: leg a answered now, with no leg b yet. */
  private localAnswer(options: OfferOptions, n: Negotiation, session: Session) {
    return options.answerA === true
      ? { aSdp: negotiateLocalAnswer(n, session.a, this.advertise) }
      : {};
  }

  private negotiate(offer: MediaSdp, options: OfferOptions, s: Session, previous?: Negotiation) {
    return negotiateOffer(
      offer,
      options,
      s.a,
      s.b,
      this.advertise,
      this.options.makeSrtp,
      previous,
    );
  }

  answer(tenantId: string, callId: string, sdp: string) {
    const e = this.entry(tenantId, callId);
    const answer = parse(sdp, 'answer');
    const { session } = e;
    const out = negotiateAnswer(
      e.negotiation,
      answer,
      session.a,
      session.b,
      this.advertise,
      this.options.makeSrtp,
    );
    session.state = 'answered';
    return { sessionId: session.sessionId, sdp: out, transcoding: session.transcoding };
  }

  async delete(tenantId: string, callId: string) {
    const e = this.sessions.get(this.key(tenantId, callId));
    if (e === undefined) return { deleted: false };
    const stats = { a: legStats(e.session.a), b: legStats(e.session.b) };
    await this.remove(e.session);
    return { deleted: true, ...stats };
  }

  query(tenantId: string, callId: string) {
    const { session } = this.entry(tenantId, callId);
    const a: LegStats = legStats(session.a);
    const b: LegStats = legStats(session.b);
    const moses = [a.mos, b.mos].filter((m): m is number => m !== undefined);
    return {
      sessionId: session.sessionId,
      state: session.state,
      transcoding: session.transcoding,
      recording: session.recorder !== undefined,
      mos: moses.length > 0 ? Math.min(...moses) : undefined,
      a,
      b,
    };
  }

  async play(tenantId: string, callId: string, leg: LegName, prompt: string, bargeIn: boolean) {
    const { session } = this.entry(tenantId, callId);
    const media = session.leg(leg).media;
    if (media === undefined) throw new NegotiationError(`leg ${leg} has no negotiated media yet`);
    const { frames, durationMs } = await this.options.openPrompt(prompt, media.law);
    session.play(leg, prompt, frames, bargeIn);
    this.promptTimer ??= setInterval(() => this.tickPrompts(), 10);
    return { playing: true, durationMs };
  }

  async record(tenantId: string, callId: string, action: 'start' | 'stop') {
    const { session } = this.entry(tenantId, callId);
    if (action === 'start') {
      if (session.recorder === undefined) {
        const dir = join(this.options.recordingDir, tenantId);
        await mkdir(dir, { recursive: true });
        const safeCall = callId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
        // One file per start: a call recorded, paused and recorded again gives two files.
        const file = join(dir, `${safeCall}-${session.sessionId}-${Date.now()}.wav`);
        session.recorder = await this.options.openRecorder(file, performance.now());
        session.recordingFile = file;
      }
      return { recording: true, file: session.recordingFile };
    }
    const recorder = session.recorder;
    if (recorder === undefined) return { recording: false };
    session.recorder = undefined;
    const done = await recorder.stop(performance.now());
    return { recording: false, file: done.file };
  }

  private tickPrompts(): void {
    const now = performance.now();
    let any = false;
    for (const { session } of this.sessions.values()) {
      if (!session.promptPlaying) continue;
      session.tickPrompt(now);
      any ||= session.promptPlaying;
    }
    if (!any && this.promptTimer !== undefined) {
      clearInterval(this.promptTimer);
      this.promptTimer = undefined;
    }
  }

  private tick(): void {
    const now = performance.now();
    const unix = Date.now();
    for (const { session } of [...this.sessions.values()]) {
      const idle = now - session.lastActivityMs;
      if (idle > this.options.idleTimeoutMs) {
        this.reaped++;
        void this.remove(session).then(() => this.listener.reaped?.(session, Math.round(idle)));
        continue;
      }
      session.reportIfDue(now, unix);
    }
  }

  /** Packets relayed and dropped (by reason) since start, over live and removed sessions. */
  totals(): { packetsIn: number; packetsOut: number; dropped: Record<string, number> } {
    const t = { ...this.retired, dropped: { ...this.retired.dropped } };
    for (const { session } of this.sessions.values()) addLegs(t, session);
    return t;
  }

  private async remove(session: Session): Promise<void> {
    if (!this.sessions.delete(this.key(session.tenantId, session.callId))) return;
    addLegs(this.retired, session);
    session.stopPrompt();
    this.release(session);
    const recorder = session.recorder;
    session.recorder = undefined;
    if (recorder !== undefined) await recorder.stop(performance.now()).catch(() => undefined);
  }

  private release(session: Session): void {
    session.close();
    this.ports.release(session.a.ports);
    this.ports.release(session.b.ports);
  }

  async close(): Promise<void> {
    clearInterval(this.housekeeping);
    if (this.promptTimer !== undefined) clearInterval(this.promptTimer);
    await Promise.all([...this.sessions.values()].map(({ session }) => this.remove(session)));
    this.ports.close();
  }
}
