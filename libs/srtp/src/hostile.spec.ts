// Hostile input: nothing a peer sends may throw, and nothing altered may get through.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSessionKeys } from './aes-cm';
import {
  MAX_PACKET_LENGTH,
  MAX_SRTP_PACKETS,
  SRTP_DROP_REASONS,
  createSrtpSession,
  generateSdesKey,
  splitKeySalt,
} from './index';
import { SrtpRtpContext } from './srtp-rtp';
import { buildRtcpSrSdes, buildRtp, flip, payloadFor } from './testing/packets';

const keySalt = generateSdesKey();
const session = () =>
  createSrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_80', ...splitKeySalt(keySalt) });
type Op = 'protectRtp' | 'unprotectRtp' | 'protectRtcp' | 'unprotectRtcp';
const ops: Op[] = ['protectRtp', 'unprotectRtp', 'protectRtcp', 'unprotectRtcp'];

describe('SRTP on hostile input', () => {
  it('never throws on 0–20 bytes of any content, and refuses them with a known reason', () => {
    const s = session();
    for (let length = 0; length <= 20; length++)
      for (let trial = 0; trial < 200; trial++) {
        const bytes = randomBytes(length);
        if (trial % 2 === 0) bytes[0] = 0x80 | (bytes[0]! & 0x3f); // half of them version 2
        for (const op of ['unprotectRtp', 'unprotectRtcp'] as const) {
          const result = s[op](bytes);
          expect(SRTP_DROP_REASONS).toContain(result);
        }
        for (const op of ops) expect(() => s[op](bytes)).not.toThrow();
      }
  });

  it('refuses random datagrams up to 1,500 bytes and the over-long', () => {
    const s = session();
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = randomBytes(trial % 1500);
      if (trial % 2 === 0 && bytes.length > 0) bytes[0] = 0x80 | (bytes[0]! & 0x3f);
      expect(SRTP_DROP_REASONS).toContain(s.unprotectRtp(bytes));
      expect(SRTP_DROP_REASONS).toContain(s.unprotectRtcp(bytes));
    }
    const huge = new Uint8Array(MAX_PACKET_LENGTH + 1);
    huge[0] = 0x80;
    for (const op of ops) expect(s[op](huge)).toBe('too-long');
  });

  it('refuses headers whose CSRC list or extension runs past the packet', () => {
    const s = session();
    const csrcs = new Uint8Array(12 + 10 + 20);
    csrcs[0] = 0x8f; // CC = 15: 60 bytes of CSRCs
    expect(s.unprotectRtp(csrcs)).toBe('bad-header');
    expect(s.protectRtp(csrcs)).toBe('bad-header');
    const ext = new Uint8Array(12 + 4 + 10 + 8);
    ext[0] = 0x90;
    ext[14] = 0xff; // extension length 0xff00 words
    expect(s.unprotectRtp(ext)).toBe('bad-header');
    expect(s.protectRtp(ext)).toBe('bad-header');
  });

  it('refuses every single-bit change of a valid SRTP and SRTCP packet', () => {
    const plain = buildRtp({
      seq: 500,
      ssrc: 77,
      csrcs: [1],
      extension: [[2, [9, 9]]],
      payload: payloadFor(500),
    });
    const srtp = session().protectRtp(plain) as Uint8Array;
    const srtcp = session().protectRtcp(buildRtcpSrSdes(77, 5)) as Uint8Array;
    for (const [packet, op] of [
      [srtp, 'unprotectRtp'],
      [srtcp, 'unprotectRtcp'],
    ] as const) {
      const accepted: number[] = [];
      for (let bit = 0; bit < packet.length * 8; bit++) {
        const copy = Uint8Array.from(packet);
        flip(copy, bit >>> 3, 0x80 >>> (bit & 7));
        if (typeof session()[op](copy) !== 'string') accepted.push(bit);
      }
      expect(accepted).toEqual([]);
      expect(typeof session()[op](packet)).not.toBe('string');
    }
  });

  it('stops at the key lifetime of 2^48 SRTP packets', () => {
    const { masterKey, masterSalt } = splitKeySalt(keySalt);
    const k = deriveSessionKeys(masterKey, masterSalt);
    const rtp = new SrtpRtpContext(k.rtpKey, k.rtpSalt, k.rtpAuthKey, 10, 16, 128);
    rtp.packets = MAX_SRTP_PACKETS;
    expect(rtp.protect(buildRtp({ seq: 1, ssrc: 1, payload: payloadFor(1) }))).toBe(
      'key-exhausted',
    );
  });
});
