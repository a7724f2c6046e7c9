import { describe, expect, it } from 'vitest';
import {
  createSrtpSession,
  decodeInlineKey,
  encodeInlineKey,
  generateSdesKey,
  splitKeySalt,
} from './index';

describe('SDES key material (RFC 4568 inline key-salt)', () => {
  it('round-trips a generated key through base64 and keys a working session pair', () => {
    const key = generateSdesKey();
    expect(key.length).toBe(30);
    const inline = encodeInlineKey(key);
    expect(inline).toMatch(/^[A-Za-z0-9+/]{40}$/);
    const decoded = decodeInlineKey(inline) as Uint8Array;
    expect(Buffer.from(decoded)).toEqual(Buffer.from(key));
    const { masterKey, masterSalt } = splitKeySalt(decoded);
    expect([masterKey.length, masterSalt.length]).toEqual([16, 14]);
    const suite = 'AES_CM_128_HMAC_SHA1_80';
    const rtp = Uint8Array.from([0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3]);
    const srtp = createSrtpSession({ suite, ...splitKeySalt(key) }).protectRtp(rtp) as Uint8Array;
    expect(
      Buffer.from(
        createSrtpSession({ suite, masterKey, masterSalt }).unprotectRtp(srtp) as Uint8Array,
      ),
    ).toEqual(Buffer.from(rtp));
  });

  it('decodes the RFC 4568 example key-salt', () => {
    // RFC 4568 §4: a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4
    const decoded = decodeInlineKey('PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR');
    expect(decoded).toBeInstanceOf(Uint8Array);
    expect((decoded as Uint8Array).length).toBe(30);
  });

  it.each([
    ['', 'bad-length'],
    ['PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVB', 'bad-base64'], // 39 characters
    ['PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20', 'bad-base64'],
    ['PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaV-_', 'bad-base64'], // URL alphabet
    ['PS1uQCVeeCFCanVmcjkpPywj NWhcYD0mXXtxaVB', 'bad-base64'],
    ['PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaV==', 'bad-length'], // 28 bytes
    ['PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBRAAAA', 'bad-length'], // 33 bytes
    ['AAAA'.repeat(1000), 'bad-length'],
  ])('refuses %j as %s', (input, reason) => {
    expect(decodeInlineKey(input)).toBe(reason);
  });

  it('refuses to encode or split anything but 30 bytes', () => {
    expect(() => encodeInlineKey(new Uint8Array(29))).toThrow(RangeError);
    expect(() => splitKeySalt(new Uint8Array(31))).toThrow(RangeError);
  });
});
