// The shapes of a parsed SIP message (RFC 3261 section 7, 20, 25); docs/sip.md.

export interface SipLimits {
  /** Largest message accepted, start line to end of body, in bytes. */
  maxMessageBytes: number;
  /** Most header entries (after comma-splitting) in one message. */
  maxHeaders: number;
  /** Longest header line after unfolding, in characters. */
  maxLineLength: number;
}

export const DEFAULT_SIP_LIMITS: Readonly<SipLimits> = Object.freeze({
  maxMessageBytes: 65535,
  maxHeaders: 256,
  maxLineLength: 16384,
});

export type SipParams = Record<string, string | null>;

export interface SipUri {
  scheme: 'sip' | 'sips';
  user?: string;
  password?: string;
  /** Hostname, IPv4 address, or IPv6 reference with its brackets (`[2001:db8::1]`). */
  host: string;
  port?: number;
  /** Names lower-cased, values unescaped; `null` for a name without `=`. */
  params: SipParams;
  headers: Record<string, string>;
}

export interface TelUri {
  scheme: 'tel';
  number: string;
  params: SipParams;
}

/** Any other absoluteURI (`http:`, `mailto:`…), kept as written. */
export interface OtherUri {
  scheme: string;
  raw: string;
}

export type Uri = SipUri | TelUri | OtherUri;

export interface Via {
  protocol: string;
  transport: string;
  host: string;
  port?: number;
  params: SipParams;
}

export interface NameAddr {
  displayName?: string;
  uri: Uri;
  params: SipParams;
}

export interface CSeq {
  seq: number;
  method: string;
}

export interface MediaType {
  type: string;
  subtype: string;
  params: SipParams;
}

export type ParsedHeader =
  | { kind: 'via'; via: Via }
  | { kind: 'name-addr'; addr: NameAddr }
  | { kind: 'contact-star' }
  | { kind: 'cseq'; cseq: CSeq }
  | { kind: 'number'; value: number }
  | { kind: 'call-id'; value: string }
  | { kind: 'media-type'; mediaType: MediaType };

export interface SipHeader {
  /** Canonical long form (`Call-ID`, `Via`…), or the name as written for unknown headers. */
  name: string;
  /** Raw value: unfolded, trimmed, one element of a comma-separated list. */
  value: string;
  /** Parsed value for the common headers (Via, From, To, Contact, CSeq…). */
  parsed?: ParsedHeader;
}

export type StartLine =
  | { type: 'request'; method: string; uri: Uri; rawUri: string; version: string }
  | { type: 'response'; version: string; status: number; reason: string };

export interface SipMessage {
  startLine: StartLine;
  headers: SipHeader[];
  body: Uint8Array;
}

export type SipParseResult =
  { ok: true; message: SipMessage } | { ok: false; reason: string; status?: 400 };

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
