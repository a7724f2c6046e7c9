// serializeSipMessage: a SipMessage back to wire bytes, one header entry per line, with
// Content-Length recomputed from the body.
import type { SipMessage } from './types';
import { formatUri } from './uri';

const encoder = new TextEncoder();

/** The head (start line, headers, blank line) as a string, Content-Length set to the body size. */
export function formatSipHead(message: SipMessage): string {
  const s = message.startLine;
  let head =
    s.type === 'request'
      ? `${s.method} ${s.rawUri || formatUri(s.uri)} ${s.version}\r\n`
      : `${s.version} ${s.status} ${s.reason}\r\n`;
  let wroteLength = false;
  for (const h of message.headers) {
    if (h.name === 'Content-Length') {
      if (wroteLength) continue;
      wroteLength = true;
      head += `Content-Length: ${message.body.length}\r\n`;
    } else head += `${h.name}: ${h.value}\r\n`;
  }
  if (!wroteLength) head += `Content-Length: ${message.body.length}\r\n`;
  return `${head}\r\n`;
}

export function serializeSipMessage(message: SipMessage): Uint8Array {
  const head = encoder.encode(formatSipHead(message));
  const out = new Uint8Array(head.length + message.body.length);
  out.set(head, 0);
  out.set(message.body, head.length);
  return out;
}
