// SRTCP behaviour: index, E flag, replay, tampering, key lifetime.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSessionKeys } from './aes-cm';
import { createSrtpSession, generateSdesKey, splitKeySalt, MAX_SRTCP_PACKETS } from './index';
import { SrtcpContext } from './srtcp';
import { buildRtcpSrSdes, flip } from './testing/packets';

const keySalt = generateSdesKey();
const session = () =>
  createSrtpSession({ suite: 'AES_CM_128_HMAC_SHA1_32', ...splitKeySalt(keySalt) });
const hex = (b: Uint8Array | string) =>
  typeof b === 'string' ? b : Buffer.from(b).toString('hex');

describe('SRTCP', () => {
  it('numbers packets 0, 1, 2 … per SSRC with E set, and keeps an 80-bit tag on the _32 suite', () => {
    const tx = session();
    for (const [ssrc, expected] of [
      [1, 0],
      [1, 1],
      [2, 0],
      [1, 2],
    ] as const) {
      const plain = buildRtcpSrSdes(ssrc, 0);
      const srtcp = tx.protectRtcp(plain) as Uint8Array;
      expect(srtcp.length).toBe(plain.length + 4 + 10);
      const word = Buffer.from(srtcp).readUInt32BE(plain.length);
      expect(word).toBe((0x80000000 | expected) >>> 0);
      // Only the first 8 bytes (header and sender SSRC) stay in the clear.
      expect(hex(srtcp.subarray(0, 8))).toBe(hex(plain.subarray(0, 8)));
      expect(hex(srtcp.subarray(8, plain.length))).not.toBe(hex(plain.subarray(8)));
    }
  });

  it('refuses replays, tampering and a wrong key', () => {
    const tx = session();
    const rx = session();
    const plain = buildRtcpSrSdes(7, 1);
    const srtcp = tx.protectRtcp(plain) as Uint8Array;
    expect(hex(rx.unprotectRtcp(srtcp))).toBe(hex(plain));
    expect(rx.unprotectRtcp(srtcp)).toBe('replay');
    const next = Uint8Array.from(tx.protectRtcp(plain) as Uint8Array);
    flip(next, 12, 0x40); // encrypted body
    expect(rx.unprotectRtcp(next)).toBe('auth');
    flip(next, 12, 0x40);
    flip(next, plain.length, 0x80); // clearing E is covered by the tag too
    expect(rx.unprotectRtcp(next)).toBe('auth');
    const stranger = createSrtpSession({
      suite: 'AES_CM_128_HMAC_SHA1_80',
      ...splitKeySalt(generateSdesKey()),
    });
    expect(stranger.unprotectRtcp(tx.protectRtcp(plain) as Uint8Array)).toBe('auth');
  });

  it('accepts an authenticated packet the sender chose not to encrypt (E = 0)', () => {
    const keys = deriveSessionKeys(
      splitKeySalt(keySalt).masterKey,
      splitKeySalt(keySalt).masterSalt,
    );
    const plain = buildRtcpSrSdes(9, 3);
    const trailer = Buffer.from([0x00, 0x00, 0x00, 0x05]); // E = 0, index 5
    const signed = Buffer.concat([plain, trailer]);
    const tag = createHmac('sha1', keys.rtcpAuthKey).update(signed).digest().subarray(0, 10);
    const rx = session();
    expect(hex(rx.unprotectRtcp(Buffer.concat([signed, tag])))).toBe(hex(plain));
    expect(rx.unprotectRtcp(Buffer.concat([signed, tag]))).toBe('replay');
  });

  it('stops at the key lifetime: 2^31 packets, or an index that would pass 2^31 − 1', () => {
    const keys = deriveSessionKeys(
      splitKeySalt(keySalt).masterKey,
      splitKeySalt(keySalt).masterSalt,
    );
    const make = () => new SrtcpContext(keys.rtcpKey, keys.rtcpSalt, keys.rtcpAuthKey, 16, 128);
    const plain = buildRtcpSrSdes(1, 0);
    const worn = make();
    worn.packets = MAX_SRTCP_PACKETS;
    expect(worn.protect(plain)).toBe('key-exhausted');
    expect(worn.unprotect(make().protect(plain) as Uint8Array)).toBe('key-exhausted');
    // A receiver accepts the peer's last index, 2^31 − 1; a sender never numbers past it.
    const tx = make();
    const state = (
      tx as unknown as { sources: { accept(s: undefined, ssrc: number, i: number): void } }
    ).sources;
    state.accept(undefined, 1, 0x7ffffffe);
    const last = tx.protect(plain) as Uint8Array;
    expect(Buffer.from(last).readUInt32BE(plain.length)).toBe(0xffffffff);
    expect(tx.protect(plain)).toBe('key-exhausted');
  });
});
