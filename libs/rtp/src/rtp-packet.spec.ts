import { describe, expect, it } from 'vitest';
import {
  RTP_DROP_REASONS,
  buildRtpPacket,
  classifyPacket,
  createRtpHeader,
  isRtpDrop,
  parseRtp,
  sequenceDelta,
  setRtpMarker,
  setRtpPayloadType,
  setRtpSequence,
  setRtpSsrc,
  setRtpTimestamp,
  timestampDelta,
  type RtpHeader,
} from './index';
import { hex, randomBytes, seededRandom } from './testing/random';

// V=2 P=1 X=1 CC=2, M=1 PT=8, seq 0xabcd, ts 0x01020304, SSRC 0xdeadbeef, CSRCs 0x11111111 0x22222222,
// extension profile 0xbede with 1 word (01 02 03 04), payload a1 a2 a3, padding 3 bytes (00 00 03).
const full = hex(`b2 88 abcd 01020304 deadbeef 11111111 22222222 bede 0001 01020304 a1a2a3 000003`);

const parsed = (bytes: Uint8Array): RtpHeader => {
  const result = parseRtp(bytes);
  if (isRtpDrop(result)) throw new Error(`dropped: ${result}`);
  return result;
};

describe('parseRtp', () => {
  it('reads every field of a packet with CSRCs, extension and padding', () => {
    const h = parsed(full);
    expect({ ...h, csrcs: Array.from(h.csrcs.subarray(0, h.csrcCount)) }).toEqual({
      version: 2,
      padding: true,
      extension: true,
      csrcCount: 2,
      marker: true,
      payloadType: 8,
      sequence: 0xabcd,
      timestamp: 0x01020304,
      ssrc: 0xdeadbeef,
      csrcs: [0x11111111, 0x22222222],
      extensionProfile: 0xbede,
      extensionOffset: 24,
      extensionLength: 4,
      payloadOffset: 28,
      payloadLength: 3,
      paddingLength: 3,
    });
    expect(Array.from(full.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength))).toEqual([
      0xa1, 0xa2, 0xa3,
    ]);
  });

  it('reads a plain 12-byte header with an empty payload, and reuses the object it is given', () => {
    const into = createRtpHeader();
    const packet = buildRtpPacket(
      { payloadType: 0, sequence: 1, timestamp: 160, ssrc: 7 },
      new Uint8Array(),
    );
    expect(parseRtp(packet, into)).toBe(into);
    expect(into).toMatchObject({
      payloadOffset: 12,
      payloadLength: 0,
      marker: false,
      csrcCount: 0,
    });
    expect(parseRtp(full, into)).toBe(into);
    expect(into.ssrc).toBe(0xdeadbeef);
  });

  it('gives the first defect for each kind of malformed packet', () => {
    const mutate = (at: number, value: number, bytes = full): Uint8Array => {
      const copy = bytes.slice();
      copy[at] = value;
      return copy;
    };
    expect(parseRtp(full.subarray(0, 11))).toBe('short');
    expect(parseRtp(mutate(0, 0x72))).toBe('bad-version'); // V=1
    expect(parseRtp(mutate(0, 0x32))).toBe('bad-version'); // V=0
    expect(parseRtp(mutate(0, 0x8f).subarray(0, 40))).toBe('bad-csrc-count'); // 15 CSRCs in 40 bytes
    expect(parseRtp(mutate(23, 0x05))).toBe('bad-extension'); // 5 words run past the end
    expect(parseRtp(full.subarray(0, 22))).toBe('bad-extension'); // extension header cut
    expect(parseRtp(mutate(full.length - 1, 0))).toBe('bad-padding'); // count 0
    expect(parseRtp(mutate(full.length - 1, 7))).toBe('bad-padding'); // more than the 6 bytes left
    expect(parsed(mutate(full.length - 1, 6)).payloadLength).toBe(0); // exactly all of it
  });

  it('drops every truncation of a valid packet with a typed reason and never throws', () => {
    for (let n = 0; n < full.length; n++) {
      const result = parseRtp(full.subarray(0, n));
      expect(RTP_DROP_REASONS).toContain(result);
    }
    // Without padding the shortest valid prefix is the header and extension with no payload.
    const noPadding = full.slice(0, 28);
    noPadding[0] = noPadding[0]! & ~0x20;
    for (let n = 0; n < 28; n++) expect(isRtpDrop(parseRtp(noPadding.subarray(0, n)))).toBe(true);
    expect(parsed(noPadding).payloadLength).toBe(0);
  });

  it('never throws on 100,000 seeded random buffers and keeps payload bounds inside the buffer', () => {
    const random = seededRandom(3550);
    const buffer = new Uint8Array(96);
    const into = createRtpHeader();
    const counts: Record<string, number> = {};
    let outOfBounds = 0;
    for (let i = 0; i < 100_000; i++) {
      const bytes = randomBytes(random, buffer, Math.floor(random() * 97));
      const result = parseRtp(bytes, into);
      const key = isRtpDrop(result) ? result : 'ok';
      counts[key] = (counts[key] ?? 0) + 1;
      if (
        !isRtpDrop(result) &&
        (result.payloadLength < 0 ||
          result.payloadOffset + result.payloadLength + result.paddingLength !== bytes.length)
      )
        outOfBounds++;
    }
    expect(outOfBounds).toBe(0);
    // The loop reached every outcome, so it exercised every branch.
    expect(Object.keys(counts).sort()).toEqual([...RTP_DROP_REASONS, 'ok'].sort());
  });
});

describe('rewriting in place', () => {
  it('changes SSRC, sequence, timestamp and payload type and keeps everything else', () => {
    const packet = full.slice();
    setRtpSsrc(packet, 0x01020304);
    setRtpSequence(packet, 0x1_0005); // wraps to 5
    setRtpTimestamp(packet, 2 ** 32 + 10); // wraps to 10
    setRtpPayloadType(packet, 0);
    const h = parsed(packet);
    expect(h).toMatchObject({
      ssrc: 0x01020304,
      sequence: 5,
      timestamp: 10,
      payloadType: 0,
      marker: true,
    });
    expect(Array.from(packet.subarray(12))).toEqual(Array.from(full.subarray(12)));
    setRtpMarker(packet, false);
    expect(parsed(packet)).toMatchObject({ marker: false, payloadType: 0 });
    setRtpPayloadType(packet, 101);
    expect(parsed(packet)).toMatchObject({ marker: false, payloadType: 101 });
  });

  it('computes signed deltas across wraparound', () => {
    expect(sequenceDelta(0, 65535)).toBe(1);
    expect(sequenceDelta(65535, 0)).toBe(-1);
    expect(timestampDelta(80, 2 ** 32 - 80)).toBe(160);
    expect(timestampDelta(2 ** 32 - 80, 80)).toBe(-160);
  });
});

describe('classifyPacket (RFC 7983, RFC 5761)', () => {
  it('sorts first bytes into STUN, ZRTP, DTLS, TURN channel and RTP/RTCP', () => {
    const kind = (...bytes: number[]): string => classifyPacket(Uint8Array.from(bytes));
    expect(kind(0x00, 0x01)).toBe('stun');
    expect(kind(0x03)).toBe('stun');
    expect(kind(0x10)).toBe('zrtp');
    expect(kind(0x16, 0xfe)).toBe('dtls'); // handshake record
    expect(kind(63)).toBe('dtls');
    expect(kind(64)).toBe('turn-channel');
    expect(kind(0x80, 0x00)).toBe('rtp'); // PT 0
    expect(kind(0x80, 0x88)).toBe('rtp'); // marker + PT 8
    expect(kind(0x80, 0xe5)).toBe('rtp'); // marker + PT 101
    expect(kind(0x80, 200)).toBe('rtcp'); // SR
    expect(kind(0x81, 201)).toBe('rtcp'); // RR
    expect(kind(0x80, 223)).toBe('rtcp'); // PT 95 with marker
    expect(kind(0x80, 224)).toBe('rtp'); // PT 96 with marker
    expect(kind(0x80, 0x3f)).toBe('rtp'); // PT 63
    expect(kind(0x80)).toBe('unknown');
    expect(kind()).toBe('unknown');
    expect(kind(4)).toBe('unknown');
    expect(kind(0xc0, 0)).toBe('unknown'); // version 3
  });
});
