export type LegName = 'a' | 'b';
export type Law = 'alaw' | 'ulaw';

/** Drop reasons of SRTP, as strings so the relay can count them by name. */
export type SrtpResult = Uint8Array | string;

/** The SRTP contexts of one leg: inbound with the party's key, outbound with ours. */
export interface SrtpPair {
  unprotectRtp(packet: Uint8Array): SrtpResult;
  protectRtp(packet: Uint8Array): SrtpResult;
  unprotectRtcp(packet: Uint8Array): SrtpResult;
  protectRtcp(packet: Uint8Array): SrtpResult;
}

/** What the engine tells the world (the app turns these into bus events and logs). */
export interface RelayListener {
  dtmf?(session: SessionRef, leg: LegName, digit: string, durationMs: number): void;
  promptEnded?(
    session: SessionRef,
    leg: LegName,
    prompt: string,
    reason: 'completed' | 'barge-in' | 'stopped',
    playedMs: number,
  ): void;
  reaped?(session: SessionRef, idleMs: number): void;
  /** A packet could not be sent (socket error); counted and logged, never thrown. */
  sendError?(session: SessionRef, leg: LegName, error: Error): void;
}

export interface SessionRef {
  sessionId: string;
  tenantId: string;
  callId: string;
}
