import { describe, expect, it } from 'vitest';
import {
  RTCP_DROP_REASONS,
  buildBye,
  buildCompound,
  buildReceiverReport,
  buildSdesCname,
  buildSenderReport,
  ntpFromUnixMs,
  ntpMiddle32,
  parseRtcp,
  roundTripSeconds,
  type ReportBlock,
  type RtcpPacket,
} from './index';
import { hex, randomBytes, seededRandom } from './testing/random';

const block: ReportBlock = {
  ssrc: 0xaabbccdd,
  fractionLost: 0x40,
  cumulativeLost: -2,
  extendedHighestSequence: 0x0001_0005,
  jitter: 37,
  lastSr: 0x12345678,
  delaySinceLastSr: 0x00018000,
};

// RR from SSRC 0x12345678 with the block above, written by hand from RFC 3550 §6.4.2.
const rrBytes = hex(`81 c9 0007 12345678  aabbccdd 40 fffffe 00010005 00000025 12345678 00018000`);

const packets = (bytes: Uint8Array): RtcpPacket[] => {
  const result = parseRtcp(bytes);
  if (!result.ok) throw new Error(`dropped: ${result.reason}`);
  return result.packets;
};

describe('RTCP builders and parser', () => {
  it('builds an RR byte for byte, with a negative 24-bit cumulative loss', () => {
    expect(Buffer.from(buildReceiverReport(0x12345678, [block])).toString('hex')).toBe(
      Buffer.from(rrBytes).toString('hex'),
    );
    expect(packets(rrBytes)).toEqual([{ type: 'rr', ssrc: 0x12345678, reports: [block] }]);
  });

  it('clamps cumulative loss to the 24-bit signed range', () => {
    const big = packets(buildReceiverReport(1, [{ ...block, cumulativeLost: 10_000_000 }]));
    const low = packets(buildReceiverReport(1, [{ ...block, cumulativeLost: -10_000_000 }]));
    expect(big[0]).toMatchObject({ reports: [{ cumulativeLost: 0x7fffff }] });
    expect(low[0]).toMatchObject({ reports: [{ cumulativeLost: -0x800000 }] });
  });

  it('round-trips a compound SR + SDES CNAME + BYE', () => {
    const sender = {
      ntpSeconds: 0xe1234567,
      ntpFraction: 0x80000000,
      rtpTimestamp: 160_000,
      packetCount: 1000,
      octetCount: 160_000,
    };
    const compound = buildCompound([
      buildSenderReport(0x01020304, sender, [block, { ...block, ssrc: 9 }]),
      buildSdesCname(0x01020304, 'ccx-media@10.0.0.1'),
      buildBye([0x01020304], 'call ended'),
    ]);
    expect(compound.length % 4).toBe(0);
    expect(packets(compound)).toEqual([
      { type: 'sr', ssrc: 0x01020304, ...sender, reports: [block, { ...block, ssrc: 9 }] },
      { type: 'sdes', chunks: [{ ssrc: 0x01020304, cname: 'ccx-media@10.0.0.1' }] },
      { type: 'bye', ssrcs: [0x01020304], reason: 'call ended' },
    ]);
  });

  it('pads SDES chunks whose item ends exactly on a word boundary with a whole null word', () => {
    const sdes = buildSdesCname(7, 'ab'); // 4 SSRC + 2 + 2 text = 8: the null needs 4 more bytes
    expect(sdes.length).toBe(16);
    expect(packets(buildCompound([buildReceiverReport(7), sdes]))[1]).toEqual({
      type: 'sdes',
      chunks: [{ ssrc: 7, cname: 'ab' }],
    });
  });

  it('keeps unknown packet types (APP, feedback) as "other" and accepts padding on the last one', () => {
    const app = hex(`a0 cc 0003 00000007 41424300 00000004`); // P=1, APP, 4 padding bytes
    expect(packets(buildCompound([buildReceiverReport(7), app]))[1]).toEqual({
      type: 'other',
      packetType: 204,
      count: 0,
    });
  });

  it('drops malformed compounds with a typed reason', () => {
    const rr = buildReceiverReport(7, [block]);
    const reason = (bytes: Uint8Array, options?: { requireReportFirst?: boolean }): string => {
      const result = parseRtcp(bytes, options);
      return result.ok ? 'ok' : result.reason;
    };
    const with0 = (at: number, value: number, bytes: Uint8Array): Uint8Array => {
      const copy = bytes.slice();
      copy[at] = value;
      return copy;
    };
    expect(reason(rr.subarray(0, 3))).toBe('short');
    expect(reason(with0(0, 0x41, rr))).toBe('bad-version');
    expect(reason(with0(3, 8, rr))).toBe('bad-length'); // one word too many
    expect(reason(buildCompound([rr, hex('81')]))).toBe('bad-length'); // trailing garbage
    expect(reason(with0(0, 0x82, rr))).toBe('bad-report-count'); // 2 blocks claimed, 1 present
    expect(reason(buildSdesCname(7, 'x'))).toBe('bad-first-packet');
    expect(reason(buildSdesCname(7, 'x'), { requireReportFirst: false })).toBe('ok');
    // Padding on a packet that is not the last, a zero pad count, a pad count past the body.
    const padded = with0(0, 0xa1, rr);
    expect(reason(buildCompound([padded, buildBye([7])]))).toBe('bad-padding');
    expect(reason(with0(rr.length - 1, 0, padded))).toBe('bad-padding');
    expect(reason(with0(rr.length - 1, 29, padded))).toBe('bad-padding');
    // SDES item running past its packet, BYE reason running past its packet.
    const sdes = buildSdesCname(7, 'abcdef');
    expect(reason(buildCompound([rr, with0(9, 40, sdes)]))).toBe('bad-sdes');
    expect(reason(buildCompound([rr, with0(0, 0x83, sdes)]))).toBe('bad-sdes'); // 3 chunks claimed
    const bye = buildBye([7], 'bye');
    expect(reason(buildCompound([rr, with0(8, 9, bye)]))).toBe('bad-bye');
    expect(reason(buildCompound([rr, with0(0, 0x85, bye)]))).toBe('bad-bye');
  });

  it('drops every truncation of a valid compound and never throws on 100,000 random buffers', () => {
    const compound = buildCompound([
      buildReceiverReport(7, [block]),
      buildSdesCname(7, 'cname'),
      buildBye([7], 'done'),
    ]);
    for (let n = 0; n < compound.length; n++) {
      const result = parseRtcp(compound.subarray(0, n));
      // A prefix that ends on a packet boundary is itself a valid compound.
      if (result.ok) expect([32, 48]).toContain(n);
      else expect(RTCP_DROP_REASONS).toContain(result.reason);
    }
    const random = seededRandom(5761);
    const buffer = new Uint8Array(128);
    let untyped = 0;
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const bytes = randomBytes(random, buffer, Math.floor(random() * 129));
      if (bytes.length > 1 && random() < 0.5) bytes[1] = 200 + Math.floor(random() * 5);
      if (bytes.length > 3 && random() < 0.5) {
        bytes[2] = 0;
        bytes[3] = Math.floor(random() * (bytes.length / 4 + 1));
      }
      const result = parseRtcp(bytes);
      seen.add(result.ok ? 'ok' : result.reason);
      if (!result.ok && !RTCP_DROP_REASONS.includes(result.reason)) untyped++;
    }
    expect(untyped).toBe(0);
    expect(seen.has('ok')).toBe(true);
    expect(seen.size).toBeGreaterThanOrEqual(6);
  });
});

describe('NTP helpers', () => {
  it('converts Unix ms to NTP and takes the middle 32 bits for LSR', () => {
    const { ntpSeconds, ntpFraction } = ntpFromUnixMs(1_000_000_000_500);
    expect(ntpSeconds).toBe(1_000_000_000 + 2_208_988_800);
    expect(ntpFraction).toBe(0x80000000);
    expect(ntpMiddle32(0x12345678, 0x9abcdef0)).toBe(0x56789abc);
  });

  it('computes the round trip A − LSR − DLSR from a report block (RFC 3550 §6.4.1 example)', () => {
    // The RFC example: A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s),
    // DLSR = 0x0005:4000 (5.250 s) -> delay 6.125 s.
    expect(
      roundTripSeconds(0xb7108000, { ...block, lastSr: 0xb7052000, delaySinceLastSr: 0x00054000 }),
    ).toBe(6.125);
    expect(roundTripSeconds(0xb7108000, { ...block, lastSr: 0 })).toBeUndefined();
  });
});
