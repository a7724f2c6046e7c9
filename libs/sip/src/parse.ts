// parseSipMessage: one SIP message from a datagram or a framed stream chunk (RFC 3261 7, 18.3).
// Never throws; work and allocation are bounded by SipLimits.
import { canonicalName, LIST_HEADERS } from './header-names';
import { isToken, splitOutside, trimLws } from './lexer';
import {
  DEFAULT_SIP_LIMITS,
  type SipHeader,
  type SipLimits,
  type SipMessage,
  type SipParseResult,
  type StartLine,
} from './types';
import { parseUri } from './uri';
import { parseHeaderValue } from './values';

const utf8 = new TextDecoder('utf-8');

/** A reason quotes the input: keep it one printable line of at most 200 characters. */
// eslint-disable-next-line no-control-regex
const oneLine = (s: string): string => s.slice(0, 200).replace(/[\x00-\x1f\x7f]/g, '?');
const encoder = new TextEncoder();

/** Offset just past the blank line ending the head (CRLFCRLF, or bare LF tolerated), or -1. */
export function findHeadEnd(b: Uint8Array, from = 0): number {
  for (let i = from; i < b.length; i++) {
    if (b[i] !== 0x0a) continue;
    if (b[i + 1] === 0x0a) return i + 2;
    if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

function parseStartLine(line: string): StartLine | string {
  if (line.startsWith('SIP/') || /^sip\//i.test(line)) {
    const m = /^(SIP\/[0-9]+\.[0-9]+) ([0-9]{3})(?: (.*))?$/i.exec(line);
    if (!m) return `bad status line: ${line}`;
    const version = (m[1] ?? '').toUpperCase();
    if (version !== 'SIP/2.0') return `unsupported SIP version: ${m[1]}`;
    const status = Number(m[2]);
    if (status < 100 || status > 699) return `status code out of range: ${status}`;
    return { type: 'response', version, status, reason: m[3] ?? '' };
  }
  const parts = line.split(' ');
  if (parts.length !== 3)
    return `request line must be "Method SP Request-URI SP SIP-Version": ${line}`;
  const [method = '', rawUri = '', version = ''] = parts;
  if (!isToken(method)) return `bad method: ${method}`;
  if (!/^SIP\/[0-9]+\.[0-9]+$/i.test(version)) return `bad SIP version: ${version}`;
  if (version.toUpperCase() !== 'SIP/2.0') return `unsupported SIP version: ${version}`;
  if (rawUri.startsWith('<')) return 'Request-URI must not be enclosed in <>';
  const uri = parseUri(rawUri);
  if (!uri.ok) return `bad Request-URI: ${uri.reason}`;
  if ('headers' in uri.value && Object.keys(uri.value.headers).length > 0) {
    return 'Request-URI must not contain headers (RFC 3261 19.1.5)';
  }
  return { type: 'request', method, uri: uri.value, rawUri, version: version.toUpperCase() };
}

type Lines = { lines: string[] } | { error: string };

/** Splits the head into logical lines, unfolding LWS continuations. */
function logicalLines(head: string, limits: SipLimits): Lines {
  const lines: string[] = [];
  for (const physical of head.split(/\r?\n/)) {
    if (physical === '') continue;
    if (physical.length > limits.maxLineLength) return { error: 'header line too long' };
    if ((physical[0] === ' ' || physical[0] === '\t') && lines.length > 1) {
      const joined = `${lines[lines.length - 1] ?? ''} ${physical.trim()}`;
      if (joined.length > limits.maxLineLength) return { error: 'header line too long' };
      lines[lines.length - 1] = joined;
    } else lines.push(physical);
    if (lines.length > limits.maxHeaders + 1) return { error: 'too many headers' };
  }
  return { lines };
}

function parseHeaders(lines: string[], limits: SipLimits): SipHeader[] | string {
  const headers: SipHeader[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) return `header line without a colon: ${line.slice(0, 80)}`;
    const rawName = trimLws(line.slice(0, colon));
    if (!isToken(rawName)) return `bad header name: ${rawName.slice(0, 80)}`;
    const name = canonicalName(rawName);
    const value = trimLws(line.slice(colon + 1));
    let values = [value];
    if (LIST_HEADERS.has(name) && value.includes(',')) {
      const split = splitOutside(value, ',');
      if (!split) return `unbalanced quotes or <> in ${name}`;
      values = split.map(trimLws);
      if (values.some((v) => v === '')) return `empty element in ${name}`;
    }
    for (const v of values) {
      const parsed = parseHeaderValue(name, v);
      if (parsed && !parsed.ok) return `${name}: ${parsed.reason}`;
      headers.push(parsed ? { name, value: v, parsed: parsed.value } : { name, value: v });
      if (headers.length > limits.maxHeaders) return 'too many headers';
    }
  }
  return headers;
}

const ONCE = new Set([
  'Call-ID',
  'CSeq',
  'From',
  'To',
  'Max-Forwards',
  'Content-Length',
  'Content-Type',
]);
const REQUIRED = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

function checkMessage(start: StartLine, headers: SipHeader[]): string | undefined {
  const seen = new Map<string, string>();
  for (const h of headers) {
    const first = seen.get(h.name);
    if (first === undefined) seen.set(h.name, h.value);
    else if (first !== h.value && ONCE.has(h.name)) {
      return `${h.name} appears more than once with different values`;
    }
  }
  for (const name of REQUIRED) if (!seen.has(name)) return `missing ${name}`;
  const cseq = headers.find((h) => h.name === 'CSeq')?.parsed;
  if (start.type === 'request' && cseq?.kind === 'cseq' && cseq.cseq.method !== start.method) {
    return `CSeq method ${cseq.cseq.method} does not match ${start.method}`;
  }
  return undefined;
}

/**
 * Parses one SIP message. A request that fails carries `status: 400` (answer it); a response
 * that fails is dropped. Extra bytes after Content-Length are ignored (RFC 3261 18.3); a body
 * shorter than Content-Length is an error; without Content-Length the body is the rest.
 */
export function parseSipMessage(
  input: Uint8Array | string,
  limits: Partial<SipLimits> = {},
): SipParseResult {
  const lim: SipLimits = { ...DEFAULT_SIP_LIMITS, ...limits };
  if (typeof input === 'string' && input.length > lim.maxMessageBytes) {
    return { ok: false, reason: 'message too large' };
  }
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  if (bytes.length > lim.maxMessageBytes) return { ok: false, reason: 'message too large' };
  let begin = 0;
  while (bytes[begin] === 0x0d || bytes[begin] === 0x0a) begin++;
  const headEnd = findHeadEnd(bytes, begin);
  if (headEnd < 0) return { ok: false, reason: 'no blank line after the headers' };
  const head = utf8.decode(bytes.subarray(begin, headEnd));
  // A response is never answered: only a request gets `status: 400`.
  const isResponse = /^SIP\//i.test(head);
  const bad = (why: string): SipParseResult => {
    const reason = oneLine(why);
    return isResponse ? { ok: false, reason } : { ok: false, reason, status: 400 };
  };
  const lines = logicalLines(head, lim);
  if ('error' in lines) return bad(lines.error);
  const [first = '', ...rest] = lines.lines;
  const start = parseStartLine(first);
  if (typeof start === 'string') return bad(start);
  const headers = parseHeaders(rest, lim);
  if (typeof headers === 'string') return bad(headers);
  const problem = checkMessage(start, headers);
  if (problem) return bad(problem);
  const cl = headers.find((h) => h.name === 'Content-Length')?.parsed;
  let body = bytes.subarray(headEnd);
  if (cl?.kind === 'number') {
    if (cl.value > body.length) return bad(`body shorter than Content-Length ${cl.value}`);
    body = body.subarray(0, cl.value);
  }
  const message: SipMessage = { startLine: start, headers, body: body.slice() };
  return { ok: true, message };
}
