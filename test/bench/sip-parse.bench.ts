// `npm run bench -- sip-parse [--json] [--runs N] [--count N]`
// libs/sip on one core: parseSipMessage, serializeSipMessage and the stream framer on a typical
// trunk INVITE with SDP, a 200 OK, and the RFC 4475 short tortuous INVITE. Best of --runs.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSipMessage, serializeSipMessage, SipStreamFramer, type SipMessage } from '@ccx/sip';
import { benchCli } from './bench-cli';

const { json, num, log } = benchCli();
const runs = num('--runs', 5);
const count = num('--count', 50_000);
const root = resolve(__dirname, '..', '..', '..');
const enc = new TextEncoder();

const sdp = [
  'v=0',
  'o=- 3897 1 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 40000 RTP/AVP 8 0 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');
const invite = enc.encode(
  [
    'INVITE sip:+442071234567@sbc.example.com:5060;user=phone SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---4f8a1c2b;rport',
    'Max-Forwards: 70',
    'Contact: <sip:+15551230000@192.0.2.10:5060;transport=udp>',
    'To: <sip:+442071234567@sbc.example.com;user=phone>',
    'From: "Caller" <sip:+15551230000@itsp.example.net;user=phone>;tag=8f2d1c3a',
    'Call-ID: 5f3c2a1b9d8e7f60@192.0.2.10',
    'CSeq: 1 INVITE',
    'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, REFER, NOTIFY',
    'Supported: 100rel, timer, replaces',
    'Session-Expires: 1800;refresher=uac',
    'P-Asserted-Identity: <sip:+15551230000@itsp.example.net;user=phone>',
    'User-Agent: ITSP-Gateway/1.0',
    'Content-Type: application/sdp',
    `Content-Length: ${sdp.length}`,
    '',
    sdp,
  ].join('\r\n'),
);
const ok = enc.encode(
  [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---4f8a1c2b;rport=5060;received=192.0.2.10',
    'Record-Route: <sip:sbc.example.com;lr>',
    'Contact: <sip:sbc.example.com:5060>',
    'To: <sip:+442071234567@sbc.example.com;user=phone>;tag=a1b2c3',
    'From: "Caller" <sip:+15551230000@itsp.example.net;user=phone>;tag=8f2d1c3a',
    'Call-ID: 5f3c2a1b9d8e7f60@192.0.2.10',
    'CSeq: 1 INVITE',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n'),
);
const wsinv = new Uint8Array(
  readFileSync(join(root, 'libs', 'sip', 'src', 'fixtures', 'valid', 'wsinv.sip')),
);

function parsed(bytes: Uint8Array): SipMessage {
  const r = parseSipMessage(bytes);
  if (!r.ok) throw new Error(r.reason);
  return r.message;
}

/** Messages per second, best of `runs` after a warm-up. */
function rate(fn: () => void): number {
  for (let i = 0; i < count / 10; i++) fn();
  let best = Infinity;
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < count; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return Math.round(count / best);
}

const results: Record<string, Record<string, number>> = {};
for (const [name, bytes] of Object.entries({ invite, '200-ok': ok, wsinv })) {
  const message = parsed(bytes);
  const framer = new SipStreamFramer();
  results[name] = {
    bytes: bytes.length,
    parsePerSecond: rate(() => parseSipMessage(bytes)),
    serializePerSecond: rate(() => serializeSipMessage(message)),
    framePerSecond: rate(() => framer.push(bytes)),
  };
  const r = results[name];
  log(
    `${name.padEnd(8)} ${String(r?.bytes).padStart(5)} B  parse ${r?.parsePerSecond}/s  ` +
      `serialize ${r?.serializePerSecond}/s  frame ${r?.framePerSecond}/s`,
  );
}
if (json) process.stdout.write(`${JSON.stringify({ bench: 'sip-parse', runs, count, results })}\n`);
