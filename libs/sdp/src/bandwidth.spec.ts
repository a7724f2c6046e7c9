import { describe, expect, it } from 'vitest';
import { callBandwidth } from './bandwidth';

describe('callBandwidth', () => {
  it('G.711 at 20 ms over IPv4 is 80 kbit/s: 160 B payload + 40 B of RTP/UDP/IP, 50 packets/s', () => {
    expect(callBandwidth({ codec: 'PCMA', ptimeMs: 20, ipVersion: 4, srtpTagBytes: 0 })).toEqual({
      payloadBytes: 160,
      headerBytes: 40,
      packetsPerSecond: 50,
      codecKbps: 64,
      kbps: 80,
    });
  });

  it('adds the IPv6 header, the SRTP tag and link-layer bytes', () => {
    expect(callBandwidth({ codec: 'PCMU', ptimeMs: 20, ipVersion: 6, srtpTagBytes: 10 }).kbps).toBe(
      92,
    );
    expect(
      callBandwidth({ codec: 'PCMU', ptimeMs: 20, ipVersion: 4, srtpTagBytes: 0, linkBytes: 38 })
        .kbps,
    ).toBe(95.2);
  });

  it('longer packets carry fewer headers per second', () => {
    expect(
      callBandwidth({ codec: 'PCMA', ptimeMs: 30, ipVersion: 4, srtpTagBytes: 0 }).kbps,
    ).toBeCloseTo(74.67, 2);
    expect(callBandwidth({ codec: 'PCMA', ptimeMs: 10, ipVersion: 4, srtpTagBytes: 0 }).kbps).toBe(
      96,
    );
  });

  it('refuses a ptime outside 10..60 ms', () => {
    expect(() =>
      callBandwidth({ codec: 'PCMA', ptimeMs: 0, ipVersion: 4, srtpTagBytes: 0 }),
    ).toThrow(/ptime/);
  });
});
