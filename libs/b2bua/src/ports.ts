// What the B2BUA needs from outside: media anchoring, the event bus, a clock and a logger.
// The SBC app wires the real ones (media commands on the bus, BullMQ events, pino).
import type { EventInput } from '@ccx/contracts';

export interface MediaOffer {
  tenantId: string;
  callId: string;
  fromTag: string;
  sdp: string;
  /** Transport profile towards leg b: RTP/SAVP (SDES) towards Teams, RTP/AVP towards trunks. */
  bProfile: 'RTP/AVP' | 'RTP/SAVP';
  bCodecs?: ('PCMA' | 'PCMU')[];
  /** Also answer leg a now, before any leg b (`sbc.answer`): the reply carries `aSdp`. */
  answerA?: boolean;
}

export interface MediaPlay {
  tenantId: string;
  callId: string;
  prompt: string;
  bargeIn: boolean;
}

export interface MediaControl {
  /** Leg a's offer; returns the SDP to offer leg b. Rejects with a reason on codec mismatch. */
  offer(req: MediaOffer): Promise<{ sdp: string; workerId: string; aSdp?: string }>;
  /** Leg b's answer; returns the SDP to answer leg a. */
  answer(req: { tenantId: string; callId: string; toTag: string; sdp: string }): Promise<{
    sdp: string;
    transcoding: boolean;
  }>;
  delete(req: { tenantId: string; callId: string }): Promise<void>;
  /** A prompt into leg a (the caller); prompt-ended and dtmf events carry the call id. */
  play(req: MediaPlay): Promise<{ playing: boolean; durationMs: number }>;
  record(req: {
    tenantId: string;
    callId: string;
    action: 'start' | 'stop';
  }): Promise<{ recording: boolean; file?: string }>;
}

export type CallEventName =
  | 'call.offered'
  | 'call.ringing'
  | 'call.answered'
  | 'call.held'
  | 'call.resumed'
  | 'call.transferred'
  | 'call.ended'
  | 'call.admission-rejected'
  | 'call.connect-failed';

export interface CallEventSink {
  /** Fire and forget: the sink logs its own failures; events of one call are published in order. */
  emit<N extends CallEventName>(
    name: N,
    tenantId: string,
    callId: string,
    data: EventInput<N>,
  ): void;
  trunkState?(data: EventInput<'trunk.status-changed'>, tenantId: string): void;
}

export interface B2buaLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: B2buaLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
