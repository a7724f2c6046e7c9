// Offer/answer for a two-leg session, as an SBC's media relay does it (RFC 3264):
//
// offer  — the caller's SDP (leg a) is parsed; leg b is offered our address and port, the
//          G.711 codecs asked for (by default a's, then the other law so that leg b may pick
//          it and we transcode), telephone-event, rtcp-mux, and our SRTP key when leg b is
//          RTP/SAVP.
// answer — the callee's SDP (leg b) says which law b uses. Leg a keeps that law when it
//          offered it (passthrough), otherwise its own first G.711 law (transcoding). Leg a is
//          answered with that one codec, telephone-event when it offered it, and our key.
//
// Errors are plain messages; the command handler turns them into a failed command (the SBC
// answers the call with 488 Not Acceptable Here).

import { randomBytes } from 'node:crypto';
import {
  buildSdp,
  g711Codec,
  isG711,
  type G711Name,
  type MediaSdp,
  type SdpCodec,
  type SdpCrypto,
  type SdpOrigin,
} from '@ccx/sdp';
import type { Address, Leg, LegMedia } from './leg';
import type { Law, SrtpPair } from './types';

export type Profile = 'RTP/AVP' | 'RTP/SAVP';
export const SUPPORTED_SUITES = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'] as const;
export type SrtpSuite = (typeof SUPPORTED_SUITES)[number];

export class NegotiationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NegotiationError';
  }
}

export interface OfferOptions {
  bProfile?: Profile;
  bCodecs?: G711Name[];
  transcode: boolean;
  /** Also answer leg a now, before leg b exists (a call the SBC answers itself). */
  answerA?: boolean;
}

/** Builds the SRTP contexts of a leg from the party's key (inbound) and ours (outbound). */
export type SrtpFactory = (
  suite: SrtpSuite,
  peerKeySalt: Uint8Array,
  ourKeySalt: Uint8Array,
) => SrtpPair;

/** What we keep between offer and answer (and for re-offers). */
export interface Negotiation {
  offer: MediaSdp;
  aCodecs: SdpCodec[];
  bProfile: Profile;
  bCodecs: G711Name[];
  /** telephone-event payload type we offered leg b. */
  bEventPt: number;
  /** Our SRTP keys towards each leg (30 bytes key||salt), when that leg is RTP/SAVP. */
  aKey?: { tag: number; suite: SrtpSuite; keySalt: Uint8Array };
  bKey?: { tag: number; suite: SrtpSuite; keySalt: Uint8Array };
  originA: SdpOrigin;
  originB: SdpOrigin;
  /** Leg a has been answered once (later answers bump our o= version). */
  answered?: boolean;
  /**
   * Leg a was answered before leg b existed (negotiateLocalAnswer): it keeps this codec, and a
   * leg b of the other law is transcoded, since leg a is not asked again.
   */
  aLocked?: G711Name;
}

const LAW: Record<G711Name, Law> = { PCMU: 'ulaw', PCMA: 'alaw' };

const profileOf = (protocol: string): Profile => {
  const p = protocol.toUpperCase();
  if (p === 'RTP/AVP' || p === 'RTP/SAVP') return p;
  throw new NegotiationError(`unsupported transport profile ${protocol} (RTP/AVP or RTP/SAVP)`);
};

/**
 * The first a=crypto line we can honour: a supported suite, no MKI (every packet would carry
 * it; we don't do MKI) and no session parameters (UNENCRYPTED_SRTP, KDR, ...), which we'd
 * otherwise silently ignore.
 */
const supportedCrypto = (lines: SdpCrypto[]): SdpCrypto | undefined =>
  lines.find(
    (c) =>
      (SUPPORTED_SUITES as readonly string[]).includes(c.suite) &&
      c.mki === undefined &&
      (c.sessionParams === undefined || c.sessionParams.trim() === ''),
  );

const keyOf = (crypto: SdpCrypto): Uint8Array => {
  const key = Buffer.from(crypto.inlineKey, 'base64');
  if (key.length !== 30) {
    throw new NegotiationError(`a=crypto:${crypto.tag} key||salt is ${key.length} bytes, need 30`);
  }
  return new Uint8Array(key);
};

const cryptoLine = (k: NonNullable<Negotiation['aKey']>) => ({
  tag: k.tag,
  suite: k.suite,
  inlineKey: Buffer.from(k.keySalt).toString('base64'),
});

const origin = (address: string): SdpOrigin => ({
  username: 'ccx',
  sessionId: String(BigInt(`0x${randomBytes(6).toString('hex')}`)),
  sessionVersion: 1,
  address,
});

const rtcpOf = (sdp: MediaSdp): Address => ({
  address: sdp.audio.rtcpAddress ?? sdp.audio.address,
  port: sdp.audio.rtcpPort ?? sdp.audio.port + 1,
});

function legMedia(sdp: MediaSdp, codec: SdpCodec, law: Law): LegMedia {
  return {
    law,
    audioPt: codec.pt,
    eventPt: sdp.audio.telephoneEvent?.pt,
    rtcpMux: sdp.audio.rtcpMux,
    rtp: { address: sdp.audio.address, port: sdp.audio.port },
    rtcp: sdp.audio.rtcpMux ? { address: sdp.audio.address, port: sdp.audio.port } : rtcpOf(sdp),
  };
}

/** New media for a leg; when its SDP address moved (a re-INVITE), the leg latches afresh. */
function setMedia(leg: Leg, media: LegMedia): void {
  const old = leg.media;
  if (
    old !== undefined &&
    (old.rtp.address !== media.rtp.address || old.rtp.port !== media.rtp.port)
  ) {
    leg.latched = undefined;
    leg.latchedRtcp = undefined;
  }
  leg.media = media;
}

/** Sets leg a up from the caller's offer and returns the SDP to offer leg b. */
export function negotiateOffer(
  offer: MediaSdp,
  options: OfferOptions,
  a: Leg,
  b: Leg,
  advertise: string,
  makeSrtp: SrtpFactory,
  previous?: Negotiation,
): { negotiation: Negotiation; sdp: string } {
  const aCodecs = offer.audio.codecs.filter((c) => isG711(c) !== undefined);
  const first = aCodecs[0];
  if (first === undefined)
    throw new NegotiationError('the offer has no G.711 codec (PCMU or PCMA at 8000 Hz)');
  const aProfile = profileOf(offer.audio.protocol);
  let aKey = previous?.aKey;
  if (aProfile === 'RTP/SAVP') {
    const theirs = supportedCrypto(offer.audio.crypto);
    if (theirs === undefined) {
      throw new NegotiationError(
        `RTP/SAVP offer without a supported a=crypto suite (${SUPPORTED_SUITES.join(', ')})`,
      );
    }
    const suite = theirs.suite as SrtpSuite;
    if (aKey === undefined || aKey.suite !== suite || aKey.tag !== theirs.tag) {
      aKey = { tag: theirs.tag, suite, keySalt: new Uint8Array(randomBytes(30)) };
    }
    a.srtp = makeSrtp(suite, keyOf(theirs), aKey.keySalt);
  } else {
    aKey = undefined;
    a.srtp = undefined;
  }
  const aNames = aCodecs.map((c) => isG711(c) as G711Name);
  const other: G711Name = aNames[0] === 'PCMU' ? 'PCMA' : 'PCMU';
  const bCodecs =
    options.bCodecs ??
    (options.transcode && !aNames.includes(other)
      ? [...new Set(aNames), other]
      : [...new Set(aNames)]);
  const bProfile = options.bProfile ?? aProfile;
  let bKey = previous?.bKey;
  if (bProfile === 'RTP/SAVP')
    bKey ??= { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keySalt: new Uint8Array(randomBytes(30)) };
  else bKey = undefined;
  const bEventPt = offer.audio.telephoneEvent?.pt ?? 101;

  // Leg a can send before the answer (early media towards b is dropped until b is known).
  const aLocked =
    previous?.aLocked !== undefined && aNames.includes(previous.aLocked)
      ? previous.aLocked
      : undefined;
  const aFirst = aCodecs.find((c) => isG711(c) === aLocked) ?? first;
  setMedia(a, legMedia(offer, aFirst, LAW[isG711(aFirst) as G711Name]));
  const originA = previous?.originA ?? origin(advertise);
  const originB = previous
    ? { ...previous.originB, sessionVersion: previous.originB.sessionVersion + 1 }
    : origin(advertise);
  const negotiation: Negotiation = {
    offer,
    aCodecs,
    bProfile,
    bCodecs,
    bEventPt,
    aKey,
    bKey,
    originA,
    originB,
    ...(previous?.answered ? { answered: true } : {}),
    ...(aLocked ? { aLocked } : {}),
  };
  const sdp = buildSdp(offer, {
    origin: originB,
    address: advertise,
    port: b.localPort,
    protocol: bProfile,
    rtcpMux: true,
    codecs: bCodecs.map(g711Codec),
    telephoneEvent: { pt: bEventPt, name: 'telephone-event', rate: 8000, fmtp: '0-16' },
    ptime: offer.audio.ptime ?? 20,
    direction: offer.audio.direction,
    crypto: bKey ? cryptoLine(bKey) : undefined,
  });
  return { negotiation, sdp };
}

/** Completes the session with the callee's answer and returns the SDP to answer leg a. */
export function negotiateAnswer(
  n: Negotiation,
  answer: MediaSdp,
  a: Leg,
  b: Leg,
  advertise: string,
  makeSrtp: SrtpFactory,
): string {
  const bCodec = answer.audio.codecs.find((c) => {
    const name = isG711(c);
    return name !== undefined && n.bCodecs.includes(name);
  });
  if (bCodec === undefined)
    throw new NegotiationError('the answer accepts none of the G.711 codecs offered');
  const bProfile = profileOf(answer.audio.protocol);
  if (bProfile !== n.bProfile)
    throw new NegotiationError(`the answer uses ${bProfile}, ${n.bProfile} was offered`);
  if (bProfile === 'RTP/SAVP') {
    const theirs = supportedCrypto(answer.audio.crypto);
    if (theirs === undefined || n.bKey === undefined)
      throw new NegotiationError('RTP/SAVP answer without a supported a=crypto line');
    b.srtp = makeSrtp(theirs.suite as SrtpSuite, keyOf(theirs), n.bKey.keySalt);
  } else {
    b.srtp = undefined;
  }
  const bName = isG711(bCodec) as G711Name;
  const bLaw = LAW[bName];
  const aCodec =
    n.aCodecs.find((c) => isG711(c) === (n.aLocked ?? bName)) ?? (n.aCodecs[0] as SdpCodec);
  const aLaw = LAW[isG711(aCodec) as G711Name];
  setMedia(b, legMedia(answer, bCodec, bLaw));
  const aMedia = legMedia(n.offer, aCodec, aLaw);
  a.media = { ...aMedia, rtp: a.media?.rtp ?? aMedia.rtp };
  return answerForA(n, a, advertise, aCodec, answer.audio.direction);
}

/** Our SDP answer to leg a's offer with one codec and a direction. */
function answerForA(
  n: Negotiation,
  a: Leg,
  advertise: string,
  codec: SdpCodec,
  direction: typeof n.offer.audio.direction,
): string {
  // RFC 3264 §8: the version goes up with every new SDP we send leg a (the first stays 1).
  if (n.answered) n.originA = { ...n.originA, sessionVersion: n.originA.sessionVersion + 1 };
  n.answered = true;
  return buildSdp(n.offer, {
    origin: n.originA,
    address: advertise,
    port: a.localPort,
    protocol: profileOf(n.offer.audio.protocol),
    rtcpMux: n.offer.audio.rtcpMux,
    codecs: [codec],
    telephoneEvent: n.offer.audio.telephoneEvent,
    ptime: n.offer.audio.ptime ?? 20,
    direction,
    crypto: n.aKey ? cryptoLine(n.aKey) : undefined,
  });
}

const MIRROR = { sendonly: 'recvonly', recvonly: 'sendonly' } as const;

/**
 * Answers leg a with no leg b yet (the SBC answers a call itself, for prompts and DTMF): a's
 * first G.711 codec, telephone-event and rtcp-mux when offered, a's direction mirrored, and our
 * key when a is SRTP. Leg a keeps that codec when leg b comes later.
 */
export function negotiateLocalAnswer(n: Negotiation, a: Leg, advertise: string): string {
  const aCodec = n.aCodecs[0] as SdpCodec;
  n.aLocked = isG711(aCodec) as G711Name;
  const direction = n.offer.audio.direction;
  const mirrored =
    direction === 'sendonly' || direction === 'recvonly' ? MIRROR[direction] : direction;
  return answerForA(n, a, advertise, aCodec, mirrored);
}
