// sip:, sips: and tel: URIs (RFC 3261 19.1, RFC 3966), other schemes kept raw.
import { parseHostPort, unescapePercent } from './lexer';
import type { Parsed, SipParams, SipUri, TelUri, Uri } from './types';

const fail = (reason: string): Parsed<never> => ({ ok: false, reason });
// Characters a URI may carry unescaped (no LWS, no controls, no quotes or angle brackets).
const URI_CHARS = /^[A-Za-z0-9\-_.!~*'()%;/?:@&=+$,[\]#]+$/;

function parseUriParams(parts: string[]): SipParams | undefined {
  const params: SipParams = {};
  for (const part of parts) {
    if (part === '') return undefined;
    const eq = part.indexOf('=');
    const name = unescapePercent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? null : unescapePercent(part.slice(eq + 1));
    if (!name || value === undefined) return undefined;
    params[name.toLowerCase()] = value;
  }
  return params;
}

function parseSip(scheme: 'sip' | 'sips', rest: string): Parsed<SipUri> {
  // The user part may hold `;`, `?` and `/`, but no host, param or header may hold an `@`.
  const at = rest.indexOf('@');
  const userinfo = at < 0 ? undefined : rest.slice(0, at);
  const afterUser = at < 0 ? rest : rest.slice(at + 1);
  const q = afterUser.indexOf('?');
  const hostPart = q < 0 ? afterUser : afterUser.slice(0, q);
  const [hostport = '', ...paramParts] = hostPart.split(';');
  const hp = parseHostPort(hostport);
  if (!hp) return fail(`bad host in URI: ${hostport}`);
  const uri: SipUri = { scheme, host: hp.host, params: {}, headers: {} };
  if (hp.port !== undefined) uri.port = hp.port;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = unescapePercent(colon < 0 ? userinfo : userinfo.slice(0, colon));
    if (!user) return fail('bad user in URI');
    uri.user = user;
    if (colon >= 0) {
      const password = unescapePercent(userinfo.slice(colon + 1));
      if (password === undefined) return fail('bad password in URI');
      uri.password = password;
    }
  }
  const params = parseUriParams(paramParts);
  if (!params) return fail('bad URI parameter');
  uri.params = params;
  if (q >= 0) {
    for (const h of afterUser.slice(q + 1).split('&')) {
      const eq = h.indexOf('=');
      const name = unescapePercent(eq < 0 ? h : h.slice(0, eq));
      const value = unescapePercent(eq < 0 ? '' : h.slice(eq + 1));
      if (!name || value === undefined) return fail('bad URI header');
      uri.headers[name] = value;
    }
  }
  return { ok: true, value: uri };
}

function parseTel(rest: string): Parsed<TelUri> {
  const [number = '', ...paramParts] = rest.split(';');
  if (!/^(\+[0-9\-.()]*[0-9][0-9\-.()]*|[0-9A-Fa-f*#\-.()]+)$/.test(number)) {
    return fail(`bad tel number: ${number}`);
  }
  const params = parseUriParams(paramParts);
  if (!params) return fail('bad tel parameter');
  return { ok: true, value: { scheme: 'tel', number, params } };
}

/** Parses a URI as written in a Request-URI or inside `<…>`; never throws. */
export function parseUri(text: string): Parsed<Uri> {
  const colon = text.indexOf(':');
  if (colon <= 0) return fail('URI has no scheme');
  const scheme = text.slice(0, colon).toLowerCase();
  if (!/^[a-z][a-z0-9+\-.]*$/.test(scheme)) return fail('bad URI scheme');
  if (!URI_CHARS.test(text)) return fail('URI contains characters that must be escaped');
  const rest = text.slice(colon + 1);
  if (scheme === 'sip' || scheme === 'sips') return parseSip(scheme, rest);
  if (scheme === 'tel') return parseTel(rest);
  if (rest === '') return fail('empty URI');
  return { ok: true, value: { scheme, raw: text } };
}

// Escape everything outside the unreserved set plus the characters each part may keep.
const escaper = (keep: string) => {
  // Most values need no escaping at all: one regex test instead of a pass per byte.
  const plain = new RegExp(`^[A-Za-z0-9\\-_.!~*'()${keep.replace(/[\]\\^-]/g, '\\$&')}]*$`);
  return (s: string): string =>
    plain.test(s)
      ? s
      : Array.from(new TextEncoder().encode(s), (b) => {
          const c = String.fromCharCode(b);
          return b < 0x80 && (/[A-Za-z0-9\-_.!~*'()]/.test(c) || keep.includes(c))
            ? c
            : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
        }).join('');
};
const escUser = escaper('&=+$,;?/');
const escPassword = escaper('&=+$,');
const escParam = escaper('[]/:&+$');
const escHeader = escaper('[]/?:+$');

function formatParams(params: SipParams): string {
  return Object.entries(params)
    .map(([k, v]) => (v === null ? `;${escParam(k)}` : `;${escParam(k)}=${escParam(v)}`))
    .join('');
}

/** Writes a URI back, escaping what must be escaped. */
export function formatUri(uri: Uri): string {
  if ('raw' in uri) return uri.raw;
  if (uri.scheme === 'tel') return `tel:${uri.number}${formatParams(uri.params)}`;
  const sip = uri as SipUri;
  let s = `${sip.scheme}:`;
  if (sip.user !== undefined) {
    s += escUser(sip.user);
    if (sip.password !== undefined) s += `:${escPassword(sip.password)}`;
    s += '@';
  }
  s += sip.host + (sip.port !== undefined ? `:${sip.port}` : '') + formatParams(sip.params);
  const headers = Object.entries(sip.headers);
  if (headers.length > 0) {
    s += '?' + headers.map(([k, v]) => `${escHeader(k)}=${escHeader(v)}`).join('&');
  }
  return s;
}
