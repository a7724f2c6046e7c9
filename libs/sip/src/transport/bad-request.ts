// Answering what the parser refused (RFC 3261 8.2.6 / 18.3): a 400 needs the request's Via, From,
// To, Call-ID and CSeq, which the parser could not hand over, so they are scraped from the raw
// lines. Pure and bounded: only the head is read, one pass over its lines.

const SCRAPED: Readonly<Record<string, string>> = {
  via: 'Via',
  v: 'Via',
  from: 'From',
  f: 'From',
  to: 'To',
  t: 'To',
  'call-id': 'Call-ID',
  i: 'Call-ID',
  cseq: 'CSeq',
};

const MAX_VIAS = 70;
const MAX_VALUE = 2048;
const MAX_REASON = 120;

export interface ScrapedHeaders {
  via: string[];
  from: string;
  to: string;
  callId: string;
  cseq: string;
}

/** Printable ASCII only, one line, bounded: the reason goes on the wire as a status phrase. */
export function sanitizeReason(reason: string): string {
  let out = '';
  for (let i = 0; i < reason.length && out.length < MAX_REASON; i++) {
    const c = reason.charCodeAt(i);
    out += c >= 0x20 && c < 0x7f ? reason[i] : ' ';
  }
  out = out.trim();
  return out || 'Bad Request';
}

/**
 * The headers a 400 must echo, from the raw text of a request; undefined for a response, for a
 * request missing any of them, or for values too long to echo. Folded lines are not followed.
 */
export function scrapeRequestHeaders(text: string): ScrapedHeaders | undefined {
  let start = 0;
  while (text[start] === '\r' || text[start] === '\n') start++;
  if (text.startsWith('SIP/', start)) return undefined;
  const end = headEnd(text, start);
  const lines = text.slice(start, end).split(/\r?\n/);
  if (lines.length < 2 || !/^[!-~]+ [^ ]+ SIP\/[0-9]/.test(lines[0] ?? '')) return undefined;
  const found: Partial<Record<string, string>> = {};
  const via: string[] = [];
  for (let n = 1; n < lines.length; n++) {
    const line = lines[n] ?? '';
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = SCRAPED[line.slice(0, colon).trim().toLowerCase()];
    if (!name) continue;
    const value = line.slice(colon + 1).trim();
    if (!value || value.length > MAX_VALUE || hasControl(value)) continue;
    if (name === 'Via') {
      if (via.length < MAX_VIAS) via.push(value);
    } else found[name] ??= value;
  }
  const { From: from, To: to, 'Call-ID': callId, CSeq: cseq } = found;
  if (via.length === 0 || !from || !to || !callId || !cseq) return undefined;
  return { via, from, to, callId, cseq };
}

/** Any control character but HTAB: such a value cannot be echoed in a header line. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function headEnd(text: string, start: number): number {
  const crlf = text.indexOf('\r\n\r\n', start);
  const lf = text.indexOf('\n\n', start);
  if (crlf < 0) return lf < 0 ? text.length : lf;
  return lf < 0 ? crlf : Math.min(crlf, lf);
}

/** The wire text of `400 <reason>` for the scraped request; a To tag is added when missing. */
export function formatBadRequest(h: ScrapedHeaders, reason: string, toTag: string): string {
  const to = /;\s*tag\s*=/i.test(h.to) ? h.to : `${h.to};tag=${toTag}`;
  let s = `SIP/2.0 400 ${sanitizeReason(reason)}\r\n`;
  for (const v of h.via) s += `Via: ${v}\r\n`;
  s += `From: ${h.from}\r\nTo: ${to}\r\nCall-ID: ${h.callId}\r\nCSeq: ${h.cseq}\r\n`;
  return `${s}Content-Length: 0\r\n\r\n`;
}

/** Scrape and format in one go: the 400 to send for `raw`, or undefined when none can be. */
export function badRequestFor(raw: string, reason: string, toTag: string): string | undefined {
  const h = scrapeRequestHeaders(raw);
  return h ? formatBadRequest(h, reason, toTag) : undefined;
}
