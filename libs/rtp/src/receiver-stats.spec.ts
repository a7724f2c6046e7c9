import { describe, expect, it } from 'vitest';
import { MAX_DROPOUT, ReceiverStats } from './index';

/** Feeds sequence numbers (timestamps follow at 160 per packet, arrivals at 20 ms). */
const feed = (stats: ReceiverStats, seqs: number[]): boolean[] =>
  seqs.map((seq) => stats.onPacket(seq, seq * 160, seq * 20));

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ReceiverStats A.1 sequence validation', () => {
  it('puts a new source on probation: the first packet is not counted, the second makes it valid', () => {
    const stats = new ReceiverStats(1, 8000);
    expect(feed(stats, [1000, 1001, 1002])).toEqual([false, true, true]);
    expect(stats.baseSeq).toBe(1001);
    expect(stats.received).toBe(2);
    expect(stats.expected).toBe(2);
    expect(stats.cumulativeLost).toBe(0);
  });

  it('restarts probation when the first packets are not in sequence', () => {
    const stats = new ReceiverStats(1, 8000);
    expect(feed(stats, [10, 20, 21, 22])).toEqual([false, false, true, true]);
    expect(stats.baseSeq).toBe(21);
    expect(stats.expected).toBe(2);
    expect(stats.rejected).toBe(2);
  });

  it('finishes probation across 65535 -> 0 (the RFC C sample compares without the modulo)', () => {
    const stats = new ReceiverStats(1, 8000);
    expect(feed(stats, [65535, 0, 1])).toEqual([false, true, true]);
    expect(stats.baseSeq).toBe(0);
    expect(stats.expected).toBe(2);
  });

  it('counts a wraparound 65535 -> 0 as a cycle and keeps the extended sequence increasing', () => {
    const stats = new ReceiverStats(1, 8000);
    feed(stats, [...range(65530, 65535), ...range(0, 5)]);
    expect(stats.cycles).toBe(65536);
    expect(stats.maxSeq).toBe(5);
    expect(stats.extendedMax).toBe(65536 + 5);
    expect(stats.expected).toBe(11); // 65531..65535 and 0..5
    expect(stats.received).toBe(11);
    expect(stats.reportBlock(0)).toMatchObject({
      extendedHighestSequence: 0x0001_0005,
      cumulativeLost: 0,
    });
  });

  it('counts a wrap that happens across a gap of lost packets', () => {
    const stats = new ReceiverStats(1, 8000);
    feed(stats, [65500, 65501, 10]);
    expect(stats.extendedMax).toBe(65536 + 10);
    expect(stats.cumulativeLost).toBe(65536 + 10 - 65501 + 1 - 2);
  });

  it('restarts on a big jump only when the next packet confirms it (sender restarted)', () => {
    const stats = new ReceiverStats(1, 8000);
    feed(stats, range(100, 110));
    const jump = 110 + MAX_DROPOUT + 1000;
    expect(feed(stats, [jump])).toEqual([false]);
    expect(stats.maxSeq).toBe(110);
    expect(feed(stats, [jump + 1, jump + 2])).toEqual([true, true]);
    expect(stats.baseSeq).toBe(jump + 1);
    expect(stats.received).toBe(2);
    expect(stats.cumulativeLost).toBe(0);
  });

  it('ignores a single stray packet far away and carries on with the stream', () => {
    const stats = new ReceiverStats(1, 8000);
    feed(stats, range(100, 110));
    expect(feed(stats, [40_000, 111, 112])).toEqual([false, true, true]);
    expect(stats.baseSeq).toBe(101);
    expect(stats.expected).toBe(12);
    expect(stats.cumulativeLost).toBe(0);
  });

  it('counts duplicates and late packets without moving the highest sequence (loss can go negative)', () => {
    const stats = new ReceiverStats(1, 8000);
    feed(stats, range(100, 110));
    expect(feed(stats, [105, 110, 110])).toEqual([true, true, true]);
    expect(stats.maxSeq).toBe(110);
    expect(stats.cumulativeLost).toBe(-3);
    expect(stats.reportBlock(0).cumulativeLost).toBe(-3);
  });

  it('accepts a forward gap just under MAX_DROPOUT as loss', () => {
    const stats = new ReceiverStats(1, 8000);
    feed(stats, [0, 1, 1 + MAX_DROPOUT - 1]);
    expect(stats.cumulativeLost).toBe(MAX_DROPOUT - 2);
  });
});

describe('ReceiverStats A.3 loss and the RR report block', () => {
  it('reports fraction and cumulative lost for a stream losing every tenth packet', () => {
    const stats = new ReceiverStats(0xcafe, 8000);
    const lossy = (from: number, to: number): number[] =>
      range(from, to).filter((s) => s % 10 !== 5);
    feed(stats, lossy(0, 199)); // 0 is probation; base 1; 20 of 1..199 lost
    expect(stats.reportBlock(4000)).toEqual({
      ssrc: 0xcafe,
      fractionLost: Math.floor((20 * 256) / 199), // 25
      cumulativeLost: 20,
      extendedHighestSequence: 199,
      jitter: 0,
      lastSr: 0,
      delaySinceLastSr: 0,
    });
    feed(stats, lossy(200, 399));
    expect(stats.reportBlock(8000)).toMatchObject({
      fractionLost: Math.floor((20 * 256) / 200), // 25
      cumulativeLost: 40,
      extendedHighestSequence: 399,
    });
    // No packets since the last report: nothing expected, fraction 0, cumulative unchanged.
    expect(stats.reportBlock(9000)).toMatchObject({ fractionLost: 0, cumulativeLost: 40 });
    // An interval with duplicates only: more received than expected gives fraction 0, not negative.
    feed(stats, [399, 399]);
    expect(stats.reportBlock(9500)).toMatchObject({ fractionLost: 0, cumulativeLost: 38 });
  });

  it('fills LSR and DLSR from the last SR received from the source', () => {
    const stats = new ReceiverStats(1, 8000);
    stats.onSenderReport(0x12345678, 0x9abcdef0, 1000);
    expect(stats.reportBlock(1500)).toMatchObject({ lastSr: 0x56789abc, delaySinceLastSr: 32768 }); // 0.5 s
  });
});

describe('ReceiverStats A.8 interarrival jitter', () => {
  it('stays at zero with a constant transit time, across a 32-bit timestamp wrap', () => {
    const stats = new ReceiverStats(1, 8000);
    const start = 2 ** 32 - 160 * 50;
    for (let i = 0; i < 200; i++) stats.onPacket(i, (start + 160 * i) >>> 0, 5000 + 20 * i);
    expect(stats.jitter).toBe(0);
  });

  it('converges to |D| when the transit alternates by 10 ms (80 units at 8 kHz)', () => {
    const stats = new ReceiverStats(1, 8000);
    const arrival = (i: number): number => 20 * i + (i % 2 === 0 ? 0 : 10);
    const after: number[] = [];
    for (let i = 0; i < 400; i++) {
      stats.onPacket(i, 160 * i, arrival(i));
      after.push(stats.jitter);
    }
    // Packet 0 is on probation, packet 1 sets the first transit, packet 2 gives the first D = 80:
    // J = 0 + (80 − 0)/16 = 5, then J = 5 + (80 − 5)/16 = 9.6875, and J(n) = 80·(1 − (15/16)^n).
    expect(after[1]).toBe(0);
    expect(after[2]).toBe(5);
    expect(after[3]).toBe(9.6875);
    expect(after[101]).toBeCloseTo(80 * (1 - (15 / 16) ** 100), 9);
    expect(after[399]).toBeCloseTo(80, 6);
    expect(stats.reportBlock(0).jitter).toBeGreaterThanOrEqual(79);
  });

  it('measures in the source clock: the same 10 ms alternation is 160 units at 16 kHz', () => {
    const stats = new ReceiverStats(1, 16000);
    for (let i = 0; i < 400; i++) stats.onPacket(i, 320 * i, 20 * i + (i % 2) * 10);
    expect(stats.jitter).toBeCloseTo(160, 6);
  });
});
