// The audio view of an SDP (RFC 4566/8866) that the media relay and the SBC work with.
import type { SessionDescription } from 'sdp-transform';

export type G711Name = 'PCMU' | 'PCMA';

export interface SdpCodec {
  pt: number;
  /** Encoding name as written (`PCMU`, `opus`, `telephone-event`…); compare case-insensitively. */
  name: string;
  /** Clock rate in Hz. */
  rate: number;
  /** Channel count when the rtpmap gives one (or the static type implies more than one). */
  channels?: number;
  fmtp?: string;
}

export interface SdpCrypto {
  /** 0–999999999 (RFC 4568 `1*9DIGIT`). */
  tag: number;
  suite: string;
  /** base64 key||salt after "inline:" */
  inlineKey: string;
  /** `2^31` or a decimal count, as written. */
  lifetime?: string;
  /** `<value>:<length>`, as written; each SRTP packet then carries the MKI. */
  mki?: string;
  /** Session parameters (`UNENCRYPTED_SRTCP`, `KDR=…`…), space-separated as written. */
  sessionParams?: string;
}

export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface AudioMedia {
  /** m-line index (0-based) in the session. */
  index: number;
  port: number;
  /** 'RTP/AVP' | 'RTP/SAVP' | ... as written */
  protocol: string;
  /** Media-level c= or else session-level c=. */
  address: string;
  addressFamily: 'IP4' | 'IP6';
  /** a=rtcp port and address (RFC 3605). */
  rtcpPort?: number;
  rtcpAddress?: string;
  /** a=rtcp-mux (RFC 5761). */
  rtcpMux: boolean;
  /** In m-line order, static payload types resolved; telephone-event is never in this list. */
  codecs: SdpCodec[];
  /** telephone-event/8000 (RFC 4733) when offered. */
  telephoneEvent?: SdpCodec;
  ptime?: number;
  maxptime?: number;
  /** Media-level, else session-level, else sendrecv. */
  direction: SdpDirection;
  /** Usable a=crypto lines (inline key, one key per line), in order. */
  crypto: SdpCrypto[];
}

export interface MediaSdp {
  audio: AudioMedia;
  /** parsed session for rewriting */
  session: SessionDescription;
}

export type SdpParseResult = { ok: true; sdp: MediaSdp } | { ok: false; error: string };

export interface SdpOrigin {
  username: string;
  sessionId: string;
  sessionVersion: number;
  address: string;
}

export interface SdpRewrite {
  origin: SdpOrigin;
  address: string;
  port: number;
  protocol: 'RTP/AVP' | 'RTP/SAVP';
  rtcpMux: boolean;
  /** Without rtcp-mux: a=rtcp:<rtcpPort ?? port + 1>. With rtcp-mux: written only when given. */
  rtcpPort?: number;
  codecs: SdpCodec[];
  telephoneEvent?: SdpCodec;
  ptime?: number;
  /** Defaults to the base SDP's audio direction. */
  direction?: SdpDirection;
  /** Exactly one a=crypto line when present. */
  crypto?: Omit<SdpCrypto, 'lifetime' | 'mki' | 'sessionParams'>;
}
