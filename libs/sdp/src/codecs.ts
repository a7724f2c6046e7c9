// Static RTP payload types (RFC 3551 §6, audio) and the G.711 helpers the relay negotiates with.
import type { G711Name, SdpCodec } from './types';

const codec = (pt: number, name: string, rate: number, channels?: number): SdpCodec =>
  channels === undefined ? { pt, name, rate } : { pt, name, rate, channels };

const STATIC_AUDIO: ReadonlyMap<number, SdpCodec> = new Map(
  [
    codec(0, 'PCMU', 8000),
    codec(3, 'GSM', 8000),
    codec(4, 'G723', 8000),
    codec(5, 'DVI4', 8000),
    codec(6, 'DVI4', 16000),
    codec(7, 'LPC', 8000),
    codec(8, 'PCMA', 8000),
    codec(9, 'G722', 8000), // RTP clock 8000 although G.722 samples at 16 kHz (RFC 3551 §4.5.2)
    codec(10, 'L16', 44100, 2),
    codec(11, 'L16', 44100),
    codec(12, 'QCELP', 8000),
    codec(13, 'CN', 8000),
    codec(14, 'MPA', 90000),
    codec(15, 'G728', 8000),
    codec(16, 'DVI4', 11025),
    codec(17, 'DVI4', 22050),
    codec(18, 'G729', 8000),
  ].map((c) => [c.pt, c]),
);

/** The codec a static audio payload type stands for without a=rtpmap (a fresh copy), if any. */
export function staticCodec(pt: number): SdpCodec | undefined {
  const known = STATIC_AUDIO.get(pt);
  return known && { ...known };
}

/** {pt: 0, name: 'PCMU', rate: 8000} or {pt: 8, name: 'PCMA', rate: 8000}. */
export function g711Codec(name: G711Name): SdpCodec {
  return { pt: name === 'PCMU' ? 0 : 8, name, rate: 8000 };
}

/** 'PCMU' or 'PCMA' for G.711 at 8000 Hz, mono (name compared case-insensitively), else undefined. */
export function isG711(c: SdpCodec): G711Name | undefined {
  if (c.rate !== 8000 || (c.channels !== undefined && c.channels !== 1)) return undefined;
  const name = c.name.toUpperCase();
  return name === 'PCMU' || name === 'PCMA' ? name : undefined;
}

export const isTelephoneEvent = (c: SdpCodec): boolean =>
  c.name.toLowerCase() === 'telephone-event';
