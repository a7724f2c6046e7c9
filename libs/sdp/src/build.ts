// buildSdp: the SDP we send for one leg, derived from the SDP we received (docs/sdp.md).
// The text is written by sdp-transform from a fresh description: nothing of the peer's transport
// (ICE, DTLS, its addresses, keys or RTCP ports) leaks through to the other side.
import { write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { decodeInlineKey } from './crypto';
import { ipFamily } from './lines';
import type { MediaSdp, SdpCodec, SdpRewrite } from './types';

/** Session bandwidths that still hold for our stream; RR/RS described the peer's RTCP. */
const KEPT_BANDWIDTH = new Set(['AS', 'CT', 'TIAS']);

/**
 * Builds the SDP we send: session-level lines from `base` kept where sensible (s=, t=, b=), our o= and c=,
 * the audio m-line rewritten, every other m-line (video, image/T.38 ...) kept but rejected with port 0.
 * Throws RangeError when `out` is inconsistent (a caller bug, never input-driven).
 */
export function buildSdp(base: MediaSdp, out: SdpRewrite): string {
  check(out);
  const family = ipFamily(out.address);
  const originFamily = ipFamily(out.origin.address);
  const name = String(base.session.name ?? '').trim() === '' ? '-' : String(base.session.name);
  const timing = base.session.timing;
  const session: SessionDescription = {
    version: 0,
    origin: {
      username: out.origin.username,
      sessionId: out.origin.sessionId,
      sessionVersion: out.origin.sessionVersion,
      netType: 'IN',
      ipVer: originFamily,
      address: out.origin.address,
    },
    name,
    connection: { version: family, ip: out.address },
    timing:
      timing && Number.isInteger(timing.start) && Number.isInteger(timing.stop)
        ? { start: timing.start, stop: timing.stop }
        : { start: 0, stop: 0 },
    media: base.session.media.map((m, i) =>
      i === base.audio.index ? audioSection(base, out) : rejected(m),
    ),
  };
  const bandwidth = (base.session.bandwidth ?? []).filter(
    (b) => KEPT_BANDWIDTH.has(b.type) && Number.isInteger(b.limit),
  );
  if (bandwidth.length > 0) session.bandwidth = bandwidth.map((b) => ({ ...b }));
  return write(session);
}

function audioSection(base: MediaSdp, out: SdpRewrite): MediaDescription {
  const codecs = out.telephoneEvent ? [...out.codecs, out.telephoneEvent] : out.codecs;
  const media: MediaDescription = {
    type: 'audio',
    port: out.port,
    protocol: out.protocol,
    payloads: codecs.map((c) => c.pt).join(' '),
    rtp: codecs.map((c) => ({
      payload: c.pt,
      codec: c.name,
      rate: c.rate,
      ...(c.channels !== undefined ? { encoding: c.channels } : {}),
    })),
    fmtp: codecs.flatMap((c) => (c.fmtp ? [{ payload: c.pt, config: c.fmtp }] : [])),
    direction: out.direction ?? base.audio.direction,
  };
  const rtcpPort = out.rtcpMux ? out.rtcpPort : (out.rtcpPort ?? out.port + 1);
  if (rtcpPort !== undefined && out.port !== 0) media.rtcp = { port: rtcpPort };
  if (out.rtcpMux) media.rtcpMux = 'rtcp-mux';
  if (out.ptime !== undefined) media.ptime = out.ptime;
  if (out.crypto) {
    const { tag, suite, inlineKey } = out.crypto;
    media.crypto = [{ id: tag, suite, config: `inline:${inlineKey}` }];
  }
  return media;
}

/** An m-line we do not handle, answered or forwarded as rejected (RFC 3264 §6, §8.2). */
const rejected = (m: MediaDescription): MediaDescription => ({
  type: String(m.type),
  port: 0,
  protocol: String(m.protocol),
  payloads: String(m.payloads),
  rtp: [],
  fmtp: [],
});

const isPort = (n: unknown, min = 0): boolean =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= 65535;

function checkCodec(c: SdpCodec, seen: Set<number>): void {
  if (!Number.isInteger(c.pt) || c.pt < 0 || c.pt > 127)
    throw new RangeError(`payload type ${c.pt}`);
  if (seen.has(c.pt)) throw new RangeError(`duplicate payload type ${c.pt}`);
  seen.add(c.pt);
  if (!/^[\w.-]+$/.test(c.name)) throw new RangeError(`codec name ${JSON.stringify(c.name)}`);
  if (!Number.isInteger(c.rate) || c.rate <= 0) throw new RangeError(`clock rate ${c.rate}`);
  if (c.channels !== undefined && !(Number.isInteger(c.channels) && c.channels >= 1)) {
    throw new RangeError(`channel count ${c.channels}`);
  }
  if (c.fmtp !== undefined && !/^[\x20-\x7e]*$/.test(c.fmtp)) throw new RangeError('fmtp text');
}

function check(out: SdpRewrite): void {
  const { origin } = out;
  if (ipFamily(out.address) === 0)
    throw new RangeError(`address ${out.address} is not an IP address`);
  if (ipFamily(origin.address) === 0) throw new RangeError(`origin address ${origin.address}`);
  if (!/^[\x21-\x7e]+$/.test(origin.username)) throw new RangeError('origin username');
  if (!/^\d{1,20}$/.test(origin.sessionId)) throw new RangeError('origin session id');
  if (!Number.isSafeInteger(origin.sessionVersion) || origin.sessionVersion < 0) {
    throw new RangeError('origin session version');
  }
  if (!isPort(out.port)) throw new RangeError(`port ${out.port}`);
  const rtcpPort = out.rtcpPort ?? (out.rtcpMux ? undefined : out.port + 1);
  if (out.port !== 0 && rtcpPort !== undefined && !isPort(rtcpPort, 1)) {
    throw new RangeError(`rtcp port ${rtcpPort}`);
  }
  if (out.protocol !== 'RTP/AVP' && out.protocol !== 'RTP/SAVP') {
    throw new RangeError(`protocol ${String(out.protocol)}`);
  }
  if (out.protocol === 'RTP/SAVP' && !out.crypto) throw new RangeError('RTP/SAVP needs crypto');
  if (out.codecs.length === 0) throw new RangeError('no codec');
  const seen = new Set<number>();
  for (const c of out.telephoneEvent ? [...out.codecs, out.telephoneEvent] : out.codecs) {
    checkCodec(c, seen);
  }
  if (out.ptime !== undefined && !(Number.isFinite(out.ptime) && out.ptime > 0)) {
    throw new RangeError(`ptime ${out.ptime}`);
  }
  if (out.crypto) {
    const { tag, suite, inlineKey } = out.crypto;
    if (!Number.isInteger(tag) || tag < 0 || tag > 999_999_999)
      throw new RangeError(`crypto tag ${tag}`);
    if (!/^\w+$/.test(suite)) throw new RangeError(`crypto suite ${suite}`);
    if (decodeInlineKey(inlineKey) === undefined) throw new RangeError('crypto key is not base64');
  }
}
