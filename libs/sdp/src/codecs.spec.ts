import { describe, expect, it } from 'vitest';
import { g711Codec, isG711, staticCodec } from './codecs';

describe('G.711 helpers', () => {
  it('gives the static payload types of PCMU and PCMA', () => {
    expect(g711Codec('PCMU')).toEqual({ pt: 0, name: 'PCMU', rate: 8000 });
    expect(g711Codec('PCMA')).toEqual({ pt: 8, name: 'PCMA', rate: 8000 });
  });

  it('recognises G.711 by name in any case at 8000 Hz mono, whatever the payload type', () => {
    expect(isG711({ pt: 96, name: 'pcma', rate: 8000 })).toBe('PCMA');
    expect(isG711({ pt: 0, name: 'PCMU', rate: 8000, channels: 1 })).toBe('PCMU');
    expect(isG711({ pt: 97, name: 'PCMA', rate: 16000 })).toBeUndefined();
    expect(isG711({ pt: 98, name: 'PCMU', rate: 8000, channels: 2 })).toBeUndefined();
    expect(isG711({ pt: 9, name: 'G722', rate: 8000 })).toBeUndefined();
  });

  it('knows the RFC 3551 static audio types and nothing dynamic', () => {
    expect(staticCodec(18)).toEqual({ pt: 18, name: 'G729', rate: 8000 });
    expect(staticCodec(9)).toEqual({ pt: 9, name: 'G722', rate: 8000 });
    expect(staticCodec(10)).toEqual({ pt: 10, name: 'L16', rate: 44100, channels: 2 });
    expect(staticCodec(96)).toBeUndefined();
    expect(staticCodec(34)).toBeUndefined();
  });
});
