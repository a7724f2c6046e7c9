// parseMediaSdp: the first active audio stream of an SDP offer or answer, validated (docs/sdp.md).
// sdp-transform reads the grammar; every value the relay relies on is checked here, because
// sdp-transform accepts empty or out-of-range fields and skips lines it cannot match.
import { parse as parseSdp, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { isTelephoneEvent, staticCodec } from './codecs';
import { parseCryptoAttribute } from './crypto';
import {
  MAX_SDP_LENGTH,
  MAX_SDP_LINES,
  ipFamily,
  show,
  splitMLine,
  splitSdp,
  toPort,
  type MLine,
} from './lines';
import type { AudioMedia, MediaSdp, SdpCodec, SdpCrypto, SdpParseResult } from './types';

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

/** Parses an SDP and validates its first active audio m-line. Never throws. */
export function parseMediaSdp(text: string): SdpParseResult {
  try {
    return { ok: true, sdp: read(text) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.message };
    // sdp-transform is third-party code: anything it throws on hostile input is a parse error too.
    return {
      ok: false,
      error: `unparseable SDP (${show(error instanceof Error ? error.message : error)})`,
    };
  }
}

function read(text: string): MediaSdp {
  if (typeof text !== 'string') fail('SDP is not text');
  if (text.length > MAX_SDP_LENGTH) {
    fail(`SDP too large (${text.length} characters, limit ${MAX_SDP_LENGTH})`);
  }
  const raw = splitSdp(text);
  if (raw.count > MAX_SDP_LINES)
    fail(`SDP has too many lines (${raw.count}, limit ${MAX_SDP_LINES})`);
  const first = raw.session[0] ?? raw.media[0]?.[0];
  if (first === undefined)
    fail(text.trim() === '' ? 'empty SDP' : 'not an SDP (no <type>=<value> lines)');
  if (!first.startsWith('v=')) fail('SDP does not start with a v= line');
  if (first !== 'v=0') fail(`unsupported SDP version ${show(first.slice(2))}`);
  const originLine = raw.session.find((l) => l.startsWith('o='));
  if (originLine === undefined) fail('missing o= line');

  const session = parseSdp(text);
  if (!session.origin) fail(`malformed o= line ${show(originLine)}`);
  const mLines = raw.media.map((lines, i) => {
    const m = splitMLine(lines[0] ?? '');
    // sdp-transform pushes a media section for every m= line, parsed or not.
    if (m === undefined || String(session.media[i]?.type) !== m.media) {
      fail(`malformed m= line ${i + 1}: ${show(lines[0])}`);
    }
    return m;
  });
  const index = pickAudio(mLines);
  const audio = audioMedia(
    index,
    mLines[index]!,
    session.media[index]!,
    raw.media[index]!,
    session,
    raw.session,
  );
  return { audio, session };
}

/** The first audio m-line whose port is not 0. */
function pickAudio(mLines: MLine[]): number {
  const audio = [...mLines.keys()].filter((i) => mLines[i]!.media === 'audio');
  if (audio.length === 0) fail('no audio m-line');
  const active = audio.find((i) => toPort(mLines[i]!.port) !== 0);
  return active ?? fail('audio stream rejected (port 0)');
}

function audioMedia(
  index: number,
  m: MLine,
  media: MediaDescription,
  lines: string[],
  session: SessionDescription,
  sessionLines: string[],
): AudioMedia {
  const port = toPort(m.port) ?? fail(`invalid port ${show(m.port)} in m=audio`);
  if (!/(^|\/)RTP\/S?AVPF?$/i.test(m.protocol))
    fail(`audio transport ${show(m.protocol)} is not RTP`);
  const connection =
    connectionOf(lines, media, 'audio m-line') ?? connectionOf(sessionLines, session, 'session');
  if (connection === undefined) fail('audio m-line has no connection address');
  const { codecs, telephoneEvent } = codecsOf(m.formats, media);
  const audio: AudioMedia = {
    index,
    port,
    protocol: m.protocol,
    address: connection.address,
    addressFamily: connection.family,
    rtcpMux: media.rtcpMux === 'rtcp-mux',
    codecs,
    direction: media.direction ?? session.direction ?? 'sendrecv',
    crypto: cryptoOf(lines),
  };
  if (telephoneEvent) audio.telephoneEvent = telephoneEvent;
  if (media.rtcp) {
    const rtcpPort = toPort(media.rtcp.port);
    if (!rtcpPort) fail(`invalid port ${show(media.rtcp.port)} in a=rtcp`);
    audio.rtcpPort = rtcpPort;
    const address = media.rtcp.address;
    if (address !== undefined) {
      if (ipFamily(address) !== media.rtcp.ipVer)
        fail(`invalid address ${show(address)} in a=rtcp`);
      audio.rtcpAddress = address;
    }
  }
  const ptime = packetTime(media.ptime, 'ptime');
  if (ptime !== undefined) audio.ptime = ptime;
  const maxptime = packetTime(media.maxptime, 'maxptime');
  if (maxptime !== undefined) audio.maxptime = maxptime;
  return audio;
}

function connectionOf(
  lines: string[],
  parsed: MediaDescription | SessionDescription,
  where: string,
): { address: string; family: 'IP4' | 'IP6' } | undefined {
  const found = lines.filter((l) => l.startsWith('c='));
  if (found.length === 0) return undefined;
  if (found.length > 1) fail(`several c= lines in the ${where}`);
  const c = parsed.connection ?? fail(`malformed c= line ${show(found[0])}`);
  const family = ipFamily(c.ip);
  if (family === 0) fail(`connection address ${show(c.ip)} is not an IP address`);
  if (family !== c.version) fail(`connection address ${show(c.ip)} is not IP${c.version}`);
  return { address: c.ip, family: family === 4 ? 'IP4' : 'IP6' };
}

function codecsOf(
  formats: string[],
  media: MediaDescription,
): { codecs: SdpCodec[]; telephoneEvent?: SdpCodec } {
  const codecs: SdpCodec[] = [];
  let telephoneEvent: SdpCodec | undefined;
  const seen = new Set<number>();
  for (const format of formats) {
    const pt = /^\d{1,3}$/.test(format) ? Number(format) : NaN;
    if (!(pt <= 127)) fail(`invalid payload type ${show(format)} in m=audio`);
    if (seen.has(pt)) fail(`duplicate payload type ${pt} in m=audio`);
    seen.add(pt);
    const config: unknown = media.fmtp.find((f) => f.payload === pt)?.config;
    const fmtp = config === undefined ? undefined : String(config);
    const codec = rtpmapOf(pt, media, fmtp);
    if (fmtp) codec.fmtp = fmtp;
    if (!isTelephoneEvent(codec)) codecs.push(codec);
    else if (codec.rate === 8000) telephoneEvent ??= codec;
  }
  return telephoneEvent ? { codecs, telephoneEvent } : { codecs };
}

function rtpmapOf(pt: number, media: MediaDescription, fmtp: string | undefined): SdpCodec {
  const map = media.rtp.find((r) => r.payload === pt);
  if (map === undefined) {
    const known = staticCodec(pt);
    if (known) return known;
    // An fmtp of event ranges ("0-16") without its rtpmap is a half-written telephone-event.
    const events = fmtp !== undefined && /^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(fmtp);
    fail(`${events ? 'telephone-event ' : ''}payload type ${pt} has no a=rtpmap`);
  }
  const name = String(map.codec);
  if (name === '') fail(`a=rtpmap:${pt} has no encoding name`);
  const rate: unknown = map.rate;
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate <= 0) {
    fail(`a=rtpmap:${pt} has no valid clock rate`);
  }
  const codec: SdpCodec = { pt, name, rate };
  const channels: unknown = map.encoding;
  if (channels !== undefined) {
    if (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1) {
      fail(`a=rtpmap:${pt} has an invalid channel count ${show(channels)}`);
    }
    codec.channels = channels;
  }
  return codec;
}

function packetTime(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1000) {
    return value;
  }
  return fail(`invalid a=${name} ${show(value)}`);
}

/** Usable a=crypto lines; a malformed one fails the SDP, another key method is skipped. */
function cryptoOf(lines: string[]): SdpCrypto[] {
  const usable: SdpCrypto[] = [];
  for (const line of lines) {
    if (!line.startsWith('a=crypto:')) continue;
    const result = parseCryptoAttribute(line.slice('a=crypto:'.length));
    if (result.ok) usable.push(result.crypto);
    else if (!result.unsupported) fail(`invalid a=crypto: ${result.error}`);
  }
  return usable;
}
