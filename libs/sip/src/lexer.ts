// Character classes and small scanners shared by the header and URI parsers (RFC 3261 25.1).

/** Removes leading and trailing SP/HTAB only (String.prototype.trim also eats a BOM or NBSP). */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === ' ' || s[a] === '\t')) a++;
  while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export const isToken = (s: string): boolean => TOKEN.test(s);

/** Replaces `%XX` escapes; `undefined` when an escape is malformed. */
export function unescapePercent(s: string): string | undefined {
  if (!s.includes('%')) return s;
  if (/%(?![0-9A-Fa-f]{2})/.test(s)) return undefined;
  try {
    return decodeURIComponent(s);
  } catch {
    // Escaped bytes that are not UTF-8 (`%FF`): keep them byte-per-character.
    return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

/**
 * Splits `s` on `sep` where it is outside quoted strings (with `\` escapes) and outside `<…>`.
 * `undefined` when a quote or an angle bracket is left open.
 */
export function splitOutside(s: string, sep: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<' && !angle) angle = true;
    else if (c === '>' && angle) angle = false;
    else if (c === sep && !angle) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted || angle) return undefined;
  parts.push(s.slice(start));
  return parts;
}

/** Reads a quoted string starting at `s[at] === '"'`; returns its unescaped text and end. */
export function readQuoted(s: string, at: number): { text: string; end: number } | undefined {
  let text = '';
  for (let i = at + 1; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '\\') {
      const next = s[i + 1];
      if (next === undefined || next === '\r' || next === '\n') return undefined;
      text += next;
      i++;
    } else if (c === '"') return { text, end: i + 1 };
    else text += c;
  }
  return undefined;
}

/** Parses `;name=value;flag` generic params (LWS allowed around `;` and `=`; quoted values). */
export function parseParams(s: string): Record<string, string | null> | undefined {
  const params: Record<string, string | null> = {};
  const trimmed = s.trim();
  if (trimmed === '') return params;
  if (!trimmed.startsWith(';')) return undefined;
  const parts = splitOutside(trimmed.slice(1), ';');
  if (!parts) return undefined;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!isToken(name)) return undefined;
    if (eq < 0) {
      params[name] = null;
      continue;
    }
    const raw = part.slice(eq + 1).trim();
    if (raw.startsWith('"')) {
      const q = readQuoted(raw, 0);
      if (!q || q.end !== raw.length) return undefined;
      params[name] = q.text;
    } else if (raw.startsWith('[') && raw.endsWith(']') && /^\[[0-9A-Fa-f:.]+\]$/.test(raw)) {
      params[name] = raw;
    } else if (isToken(raw) || /^[0-9A-Fa-f:.]+$/.test(raw))
      params[name] = raw; // token or IPv6
    else return undefined;
  }
  return params;
}

const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;
const HOSTNAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;

/** `host[:port]`, host a hostname, IPv4 address or `[IPv6]` reference. */
export function parseHostPort(s: string): { host: string; port?: number } | undefined {
  let host: string;
  let rest: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return undefined;
    host = s.slice(0, close + 1);
    rest = s.slice(close + 1);
    if (!IPV6.test(host) || !host.includes(':')) return undefined;
  } else {
    const colon = s.indexOf(':');
    host = colon < 0 ? s : s.slice(0, colon);
    rest = colon < 0 ? '' : s.slice(colon);
    if (!HOSTNAME.test(host)) return undefined;
  }
  if (rest === '') return { host };
  if (!/^:[0-9]{1,5}$/.test(rest)) return undefined;
  const port = Number(rest.slice(1));
  return port <= 65535 ? { host, port } : undefined;
}
