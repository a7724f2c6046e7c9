// Raw SDP lines. sdp-transform is lenient: it silently skips any line its grammar does not match
// and leaves numbers it cannot read as strings. The parser re-reads the few lines the relay relies
// on (v=, m=, c=, a=crypto) from here so that a malformed line gives a precise error, not a
// missing field.
import { isIP } from 'node:net';

/** Larger SDPs are refused before parsing (a Teams offer with ICE candidates is ~2 KB). */
export const MAX_SDP_LENGTH = 65_536;
/**
 * sdp-transform tries each of its ~60 attribute patterns on every line it does not know, so a
 * 64 KB SDP of short unknown lines costs ~60 ms; real SDPs have tens of lines, a few hundred at most.
 */
export const MAX_SDP_LINES = 1000;

export interface RawSdp {
  /** Number of `<type>=` lines. */
  count: number;
  session: string[];
  /** Lines of each media section, starting with its m= line. */
  media: string[][];
}

/** Splits like sdp-transform does (any line break; lines that are not `<letter>=` are ignored). */
export function splitSdp(text: string): RawSdp {
  const raw: RawSdp = { count: 0, session: [], media: [] };
  let current = raw.session;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (!/^[a-z]=/.test(line)) continue;
    raw.count++;
    if (line.startsWith('m=')) {
      current = [];
      raw.media.push(current);
    }
    current.push(line);
  }
  return raw;
}

/** Hostile text for an error message: bare when short and plain, else quoted, clipped, printable. */
export const show = (text: unknown): string => {
  const s = String(text);
  if (/^[\x21-\x7e]{1,40}$/.test(s) && !s.includes('"')) return s;
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s).replace(/[^\x20-\x7e]/g, '?');
};

/** A port number 0..65535 from a number or a string of digits, else undefined. */
export function toPort(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d{1,5}$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined;
}

/** 4 or 6 when `address` is an IP address of that family, else 0 (host names are refused). */
export const ipFamily = (address: unknown): 0 | 4 | 6 =>
  typeof address === 'string' ? (isIP(address) as 0 | 4 | 6) : 0;

export interface MLine {
  media: string;
  port: string;
  protocol: string;
  formats: string[];
}

/** `m=<media> <port> <proto> <fmt> ...` (RFC 8866 §5.14; trailing blanks tolerated), or undefined. */
export function splitMLine(line: string): MLine | undefined {
  const [media = '', port = '', protocol = '', ...formats] = line.slice(2).trimEnd().split(/ +/);
  if (!/^[\w-]+$/.test(media) || port === '' || !/^[\w/]+$/.test(protocol)) return undefined;
  return formats.length === 0 ? undefined : { media, port, protocol, formats };
}
