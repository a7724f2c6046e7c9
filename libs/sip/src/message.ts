// Reading and building SIP messages: header access, responses (RFC 3261 8.2.6), requests,
// branches, tags and Call-IDs. Everything here works on the SipMessage shape of types.ts.
import { randomBytes } from 'node:crypto';
import { canonicalName } from './header-names';
import type { CSeq, NameAddr, SipHeader, SipMessage, SipParams, Uri, Via } from './types';
import { formatUri } from './uri';
import { parseHeaderValue } from './values';

/** RFC 3261 section 21 reason phrases (and the few extensions the SBC sends). */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  415: 'Unsupported Media Type',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  513: 'Message Too Large',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

export const reasonPhrase = (status: number): string =>
  REASON_PHRASES[status] ?? (status < 300 ? 'OK' : 'Error');

/** RFC 3261 magic cookie: a branch starting with it is unique across space and time. */
export const BRANCH_COOKIE = 'z9hG4bK';
// Branches, tags and Call-IDs come from one pooled random buffer: a randomBytes() call per token
// showed up in the SBC's profile (several per call); one 4 KiB fill serves hundreds of tokens.
const POOL_SIZE = 4096;
let pool = randomBytes(POOL_SIZE);
let poolAt = 0;
const token = (bytes: number): string => {
  if (poolAt + bytes > POOL_SIZE) {
    pool = randomBytes(POOL_SIZE);
    poolAt = 0;
  }
  const out = pool.toString('base64url', poolAt, poolAt + bytes);
  poolAt += bytes;
  return out;
};
export const newBranch = (): string => `${BRANCH_COOKIE}${token(12)}`;
export const newTag = (): string => token(8);
export const newCallId = (): string => token(16);

/** A header entry with its parsed value when the name is one the parser knows. */
export function makeHeader(name: string, value: string): SipHeader {
  const canonical = canonicalName(name);
  const header: SipHeader = { name: canonical, value };
  const parsed = parseHeaderValue(canonical, value);
  if (parsed?.ok) header.parsed = parsed.value;
  return header;
}

export function getHeader(message: SipMessage, name: string): SipHeader | undefined {
  const canonical = canonicalName(name);
  return message.headers.find((h) => h.name === canonical);
}

export function getHeaders(message: SipMessage, name: string): SipHeader[] {
  const canonical = canonicalName(name);
  return message.headers.filter((h) => h.name === canonical);
}

export const headerValue = (message: SipMessage, name: string): string | undefined =>
  getHeader(message, name)?.value;

/** Removes every entry of the header; returns how many were removed. */
export function removeHeaders(message: SipMessage, name: string): number {
  const canonical = canonicalName(name);
  const before = message.headers.length;
  message.headers = message.headers.filter((h) => h.name !== canonical);
  return before - message.headers.length;
}

/** Replaces every entry of the header with one entry, where the first one was (or at the end). */
export function setHeader(message: SipMessage, name: string, value: string): void {
  const header = makeHeader(name, value);
  const at = message.headers.findIndex((h) => h.name === header.name);
  removeHeaders(message, header.name);
  if (at < 0) message.headers.push(header);
  else message.headers.splice(at, 0, header);
}

/** Adds one entry: `first` puts it before the header's other entries (a new top Via). */
export function addHeader(message: SipMessage, name: string, value: string, first = false): void {
  const header = makeHeader(name, value);
  if (!first) {
    message.headers.push(header);
    return;
  }
  const at = message.headers.findIndex((h) => h.name === header.name);
  message.headers.splice(at < 0 ? message.headers.length : at, 0, header);
}

export function topVia(message: SipMessage): Via | undefined {
  const h = getHeader(message, 'Via');
  return h?.parsed?.kind === 'via' ? h.parsed.via : undefined;
}

export function nameAddr(
  message: SipMessage,
  name: 'From' | 'To' | 'Contact',
): NameAddr | undefined {
  const h = getHeader(message, name);
  return h?.parsed?.kind === 'name-addr' ? h.parsed.addr : undefined;
}

export function cseqOf(message: SipMessage): CSeq | undefined {
  const h = getHeader(message, 'CSeq');
  return h?.parsed?.kind === 'cseq' ? h.parsed.cseq : undefined;
}

export const callIdOf = (message: SipMessage): string => headerValue(message, 'Call-ID') ?? '';
export const fromTag = (message: SipMessage): string | undefined =>
  nameAddr(message, 'From')?.params['tag'] ?? undefined;
export const toTag = (message: SipMessage): string | undefined =>
  nameAddr(message, 'To')?.params['tag'] ?? undefined;

export const methodOf = (message: SipMessage): string =>
  message.startLine.type === 'request' ? message.startLine.method : (cseqOf(message)?.method ?? '');
export const statusOf = (message: SipMessage): number =>
  message.startLine.type === 'response' ? message.startLine.status : 0;

const quoteDisplay = (name: string): string =>
  /^[A-Za-z0-9\-.!%*_+`'~ ]+$/.test(name) && !name.includes('  ')
    ? name
    : `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;

export function formatParams(params: SipParams): string {
  let s = '';
  for (const [k, v] of Object.entries(params)) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}

export function formatNameAddr(addr: NameAddr): string {
  const display = addr.displayName ? `${quoteDisplay(addr.displayName)} ` : '';
  return `${display}<${formatUri(addr.uri)}>${formatParams(addr.params)}`;
}

export function formatVia(via: Via): string {
  const port = via.port !== undefined ? `:${via.port}` : '';
  return `${via.protocol}/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

export interface ResponseOptions {
  reason?: string;
  /** To tag to add when the request's To has none (required for every response but 100). */
  toTag?: string;
  headers?: [name: string, value: string][];
  body?: Uint8Array;
  contentType?: string;
}

/**
 * A response to `request` (RFC 3261 8.2.6): Via entries, From, To (tagged), Call-ID and CSeq copied;
 * Record-Route copied for 18x/2xx to dialog-creating requests (12.1.1).
 */
export function createResponse(
  request: SipMessage,
  status: number,
  options: ResponseOptions = {},
): SipMessage {
  const headers: SipHeader[] = [];
  const method = methodOf(request);
  for (const h of request.headers) {
    switch (h.name) {
      case 'Via':
      case 'From':
      case 'Call-ID':
      case 'CSeq':
        headers.push(h);
        break;
      case 'To':
        if (
          status > 100 &&
          options.toTag &&
          h.parsed?.kind === 'name-addr' &&
          !h.parsed.addr.params['tag']
        ) {
          headers.push(makeHeader('To', `${h.value};tag=${options.toTag}`));
        } else headers.push(h);
        break;
      case 'Record-Route':
        if (status > 100 && status < 300 && (method === 'INVITE' || method === 'SUBSCRIBE'))
          headers.push(h);
        break;
      default:
        break;
    }
  }
  for (const [name, value] of options.headers ?? []) headers.push(makeHeader(name, value));
  const body = options.body ?? new Uint8Array(0);
  if (body.length > 0 && options.contentType)
    headers.push(makeHeader('Content-Type', options.contentType));
  return {
    startLine: {
      type: 'response',
      version: 'SIP/2.0',
      status,
      reason: options.reason ?? reasonPhrase(status),
    },
    headers,
    body,
  };
}

export interface RequestOptions {
  method: string;
  uri: Uri;
  /** Header values as written, in order (Via, From, To, Call-ID, CSeq, Contact, Max-Forwards…). */
  headers: [name: string, value: string][];
  body?: Uint8Array;
  contentType?: string;
}

export function createRequest(options: RequestOptions): SipMessage {
  const headers = options.headers.map(([n, v]) => makeHeader(n, v));
  const body = options.body ?? new Uint8Array(0);
  if (body.length > 0 && options.contentType)
    headers.push(makeHeader('Content-Type', options.contentType));
  const rawUri = formatUri(options.uri);
  return {
    startLine: {
      type: 'request',
      method: options.method,
      uri: options.uri,
      rawUri,
      version: 'SIP/2.0',
    },
    headers,
    body,
  };
}

/** A deep-enough copy to change headers and start line without touching the original. */
export function cloneMessage(message: SipMessage): SipMessage {
  return {
    startLine: { ...message.startLine },
    headers: message.headers.slice(),
    body: message.body,
  };
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
export const bodyText = (message: SipMessage): string => decoder.decode(message.body);
export const textBody = (text: string): Uint8Array => encoder.encode(text);
