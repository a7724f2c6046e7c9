import { describe, expect, it } from 'vitest';
import { buildRtpPacket, parseRtp, isRtpDrop } from '@ccx/rtp';
import { OutStream } from './out-stream';

const packet = (sequence: number, timestamp: number, ssrc = 1) =>
  buildRtpPacket({ payloadType: 0, sequence, timestamp, ssrc }, new Uint8Array(160));
const header = (p: Uint8Array) => {
  const h = parseRtp(p);
  if (isRtpDrop(h)) throw new Error(h);
  return h;
};

describe('OutStream', () => {
  it('shifts sequence and timestamp by a constant per input stream (gaps kept, wrap-safe)', () => {
    const out = new OutStream();
    const seen = [65534, 65535, 2].map((seq, i) => {
      const p = packet(seq, 0xfffffe00 + [0, 160, 640][i]!);
      out.forward(p, 1, seq, 0xfffffe00 + [0, 160, 640][i]!, i * 20);
      return header(p);
    });
    expect(seen.every((h) => h.ssrc === out.ssrc)).toBe(true);
    expect((seen[1]!.sequence - seen[0]!.sequence) & 0xffff).toBe(1);
    expect((seen[2]!.sequence - seen[1]!.sequence) & 0xffff).toBe(3);
    expect((seen[2]!.timestamp - seen[1]!.timestamp) >>> 0).toBe(480);
    expect(seen[0]!.marker).toBe(true);
    expect(seen[1]!.marker).toBe(false);
  });

  it('continues across an input change and around generated frames, marking each change', () => {
    const out = new OutStream();
    const a = packet(100, 5000, 1);
    out.forward(a, 1, 100, 5000, 0);
    const frame = out.generate(160, 20);
    const next = out.generate(160, 40);
    const b = packet(9, 77, 2);
    out.forward(b, 2, 9, 77, 100);
    const ha = header(a);
    const hb = header(b);
    expect(frame.marker).toBe(true);
    expect(next.marker).toBe(false);
    expect((frame.sequence - ha.sequence) & 0xffff).toBe(1);
    expect((frame.timestamp - ha.timestamp) >>> 0).toBe(160);
    expect((next.timestamp - frame.timestamp) >>> 0).toBe(160);
    expect((hb.sequence - next.sequence) & 0xffff).toBe(1);
    expect((hb.timestamp - next.timestamp) >>> 0).toBe(480); // 60 ms later
    expect(hb.marker).toBe(true);
  });

  it('leaves reordered input reordered and does not move "last" backwards', () => {
    const out = new OutStream();
    const ps = [10, 12, 11, 13].map((seq) => {
      const p = packet(seq, seq * 160);
      out.forward(p, 1, seq, seq * 160, seq);
      return header(p).sequence;
    });
    const base = ps[0]!;
    expect(ps.map((s) => (s - base) & 0xffff)).toEqual([0, 2, 1, 3]);
    expect((out.generate(160, 30).sequence - base) & 0xffff).toBe(4);
  });

  it('does not follow a wild sequence jump: one stray packet re-anchors instead of throwing the numbering ahead', () => {
    const out = new OutStream();
    const seqs = [100, 101, 30000, 102, 103].map((seq, i) => {
      const p = packet(seq, seq * 160);
      out.forward(p, 1, seq, seq * 160, i * 20);
      return header(p).sequence;
    });
    const base = seqs[0]!;
    expect(seqs.map((s) => (s - base) & 0xffff)).toEqual([0, 1, 2, 3, 4]);
  });
});
