// SIP messages (RFC 3261): parse, serialize, frame on streams; URIs (sip, sips, tel).
// Hand-written, see docs/sip.md for why and for what is parsed.
export { SipStreamFramer, type FramerOutput } from './framer';
export { canonicalName } from './header-names';
export { parseSipMessage } from './parse';
export { formatSipHead, serializeSipMessage } from './serialize';
export { DEFAULT_SIP_LIMITS } from './types';
export type {
  CSeq,
  MediaType,
  NameAddr,
  OtherUri,
  Parsed,
  ParsedHeader,
  SipHeader,
  SipLimits,
  SipMessage,
  SipParams,
  SipParseResult,
  SipUri,
  StartLine,
  TelUri,
  Uri,
  Via,
} from './types';
export { formatUri, parseUri } from './uri';
export { parseCSeq, parseHeaderValue, parseMediaType, parseNameAddr, parseVia } from './values';
export * from './message';
export * from './transport';
export * from './transaction';
