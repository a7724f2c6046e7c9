// Parsed values of the common headers: Via, name-addr headers, CSeq, numbers, Content-Type.
import { isToken, parseHostPort, parseParams, readQuoted } from './lexer';
import type { CSeq, MediaType, NameAddr, Parsed, ParsedHeader, Via } from './types';
import { parseUri } from './uri';

const fail = (reason: string): Parsed<never> => ({ ok: false, reason });
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

/** Index of the first `;` outside quotes and `[…]`, or the length. */
function paramStart(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ';') return i;
  }
  return s.length;
}

export function parseVia(value: string): Parsed<Via> {
  const m = /^([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s/]+)\s+(.*)$/s.exec(value);
  if (!m) return fail(`bad Via: ${value}`);
  const [, name = '', version = '', transport = '', rest = ''] = m;
  if (!isToken(name) || !isToken(version) || !isToken(transport)) return fail('bad Via protocol');
  const semi = paramStart(rest);
  // LWS may surround the `:` before the port (wsinv); split by hand, a regex here is quadratic.
  const raw = rest.slice(0, semi);
  const colon = raw.lastIndexOf(':');
  const sentBy =
    colon < 0 || raw.includes(']', colon)
      ? raw.trim()
      : `${raw.slice(0, colon).trim()}:${raw.slice(colon + 1).trim()}`;
  const hp = parseHostPort(sentBy);
  if (!hp) return fail(`bad Via sent-by: ${sentBy}`);
  const params = parseParams(rest.slice(semi));
  if (!params) return fail('bad Via parameter');
  const via: Via = {
    protocol: `${name}/${version}`,
    transport: transport.toUpperCase(),
    host: hp.host,
    params,
  };
  if (hp.port !== undefined) via.port = hp.port;
  return ok(via);
}

export function parseNameAddr(value: string): Parsed<NameAddr> {
  const v = value.trim();
  const lt = v.startsWith('"') ? -2 : v.indexOf('<');
  let displayName: string | undefined;
  let uriText: string;
  let rest: string;
  if (lt === -2 || lt >= 0) {
    let at = 0;
    if (lt === -2) {
      const q = readQuoted(v, 0);
      if (!q) return fail('unterminated quoted display name');
      displayName = q.text;
      at = q.end;
      while (v[at] === ' ' || v[at] === '\t') at++;
      if (v[at] !== '<') return fail('quoted display name not followed by <URI>');
    } else {
      const words = v.slice(0, lt).trim();
      if (words !== '') {
        if (!words.split(/\s+/).every(isToken)) return fail(`bad display name: ${words}`);
        displayName = words.replace(/\s+/g, ' ');
      }
      at = lt;
    }
    const gt = v.indexOf('>', at);
    if (gt < 0) return fail('unterminated <URI>');
    uriText = v.slice(at + 1, gt);
    rest = v.slice(gt + 1);
  } else {
    // addr-spec: the URI ends at the first `;` (its params belong to the header) or space.
    const semi = paramStart(v);
    uriText = v.slice(0, semi).trim();
    rest = v.slice(semi);
    if (/[\s,?]/.test(uriText)) return fail('URI with spaces, commas or ? must be in <>');
  }
  const uri = parseUri(uriText);
  if (!uri.ok) return uri;
  const params = parseParams(rest);
  if (!params) return fail(`bad parameters: ${rest.trim()}`);
  const addr: NameAddr = { uri: uri.value, params };
  if (displayName !== undefined) addr.displayName = displayName;
  return ok(addr);
}

export function parseCSeq(value: string): Parsed<CSeq> {
  const m = /^([0-9]{1,10})\s+(\S+)$/.exec(value);
  if (!m || !isToken(m[2] ?? '')) return fail(`bad CSeq: ${value}`);
  const seq = Number(m[1]);
  if (seq > 0xffffffff) return fail('CSeq number above 2^32-1');
  return ok({ seq, method: m[2] ?? '' });
}

function parseNumber(name: string, value: string, max: number): Parsed<number> {
  if (!/^[0-9]{1,10}$/.test(value)) return fail(`bad ${name}: ${value}`);
  const n = Number(value);
  return n <= max ? ok(n) : fail(`${name} out of range: ${value}`);
}

export function parseMediaType(value: string): Parsed<MediaType> {
  const semi = paramStart(value);
  const m = /^([^\s/]+)\s*\/\s*([^\s/]+)$/.exec(value.slice(0, semi).trim());
  if (!m || !isToken(m[1] ?? '') || !isToken(m[2] ?? '')) return fail(`bad media type: ${value}`);
  const params = parseParams(value.slice(semi));
  if (!params) return fail('bad media type parameter');
  return ok({ type: (m[1] ?? '').toLowerCase(), subtype: (m[2] ?? '').toLowerCase(), params });
}

const wrap = <T>(r: Parsed<T>, f: (v: T) => ParsedHeader): Parsed<ParsedHeader> =>
  r.ok ? ok(f(r.value)) : r;

/** Parses the value of a common header; `undefined` for headers left raw. */
export function parseHeaderValue(name: string, value: string): Parsed<ParsedHeader> | undefined {
  switch (name) {
    case 'Via':
      return wrap(parseVia(value), (via) => ({ kind: 'via', via }));
    case 'Contact':
      if (value === '*') return ok({ kind: 'contact-star' });
      return wrap(parseNameAddr(value), (addr) => ({ kind: 'name-addr', addr }));
    case 'From':
    case 'To':
    case 'Route':
    case 'Record-Route':
    case 'Refer-To':
      return wrap(parseNameAddr(value), (addr) => ({ kind: 'name-addr', addr }));
    case 'CSeq':
      return wrap(parseCSeq(value), (cseq) => ({ kind: 'cseq', cseq }));
    case 'Call-ID':
      return /^[^\s]+$/.test(value)
        ? ok({ kind: 'call-id', value })
        : fail(`bad Call-ID: ${value}`);
    case 'Max-Forwards':
      return wrap(parseNumber(name, value, 255), (n) => ({ kind: 'number', value: n }));
    case 'Content-Length':
    case 'Expires':
      return wrap(parseNumber(name, value, 0xffffffff), (n) => ({ kind: 'number', value: n }));
    case 'Content-Type':
      return wrap(parseMediaType(value), (mediaType) => ({ kind: 'media-type', mediaType }));
    default:
      return undefined;
  }
}
