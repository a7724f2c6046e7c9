import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeInlineKey, formatCryptoAttribute, parseCryptoAttribute } from './crypto';

const KEY = 'SluYPNkBl5T96SR1Gw+M+iJccsAoTZCzipcQax1D'; // 30 bytes

const parsed = (value: string) => {
  const result = parseCryptoAttribute(value);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.error}`);
  return result.crypto;
};

describe('parseCryptoAttribute (RFC 4568 §9.1, SRTP inline keys)', () => {
  it('reads the Teams Direct Routing form with a lifetime', () => {
    expect(parsed(`2 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^31`)).toEqual({
      tag: 2,
      suite: 'AES_CM_128_HMAC_SHA1_80',
      inlineKey: KEY,
      lifetime: '2^31',
    });
  });

  it('reads a lifetime and an MKI, or an MKI alone', () => {
    expect(parsed(`3 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^31|1:1`)).toMatchObject({
      lifetime: '2^31',
      mki: '1:1',
    });
    const mkiOnly = parsed(`1 AES_CM_128_HMAC_SHA1_32 inline:${KEY}|1:4`);
    expect(mkiOnly.mki).toBe('1:4');
    expect(mkiOnly.lifetime).toBeUndefined();
  });

  it('accepts tag 0, which Teams sends (a=crypto:0 in its SDES-only offers)', () => {
    expect(parsed(`0 AES_CM_128_HMAC_SHA1_32 inline:${KEY}|2^31`).tag).toBe(0);
  });

  it('keeps session parameters as written', () => {
    const c = parsed(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY} UNENCRYPTED_SRTCP KDR=1`);
    expect(c.sessionParams).toBe('UNENCRYPTED_SRTCP KDR=1');
  });

  it('checks the key||salt length of the suites it knows, padded base64 included', () => {
    const key256 = randomBytes(46).toString('base64');
    expect(key256.endsWith('==')).toBe(true);
    expect(parsed(`5 AES_256_CM_HMAC_SHA1_80 inline:${key256}`).inlineKey).toBe(key256);
    const short = randomBytes(20).toString('base64');
    expect(parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${short}`)).toEqual({
      ok: false,
      error: 'AES_CM_128_HMAC_SHA1_80 key||salt is 20 bytes, expected 30',
      unsupported: false,
    });
    expect(parsed(`1 SOME_FUTURE_SUITE inline:${short}`).suite).toBe('SOME_FUTURE_SUITE');
  });

  it.each([
    ['1 AES_CM_128_HMAC_SHA1_80', 'expected "<tag> <suite> inline:<key>"'],
    [`1234567890 AES_CM_128_HMAC_SHA1_80 inline:${KEY}`, 'tag 1234567890 is not 0..999999999'],
    [`x AES_CM_128_HMAC_SHA1_80 inline:${KEY}`, 'tag x is not 0..999999999'],
    [`1 AES-CM inline:${KEY}`, 'invalid crypto-suite AES-CM'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:', 'invalid key-params inline:'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:!!!!', 'inline key is not base64'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}=`, 'inline key is not base64'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|forever`, 'invalid lifetime or MKI forever'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1:0`, 'invalid MKI 1:0'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1:129`, 'invalid MKI 1:129'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1:4|2^31`, 'invalid MKI 1:4'],
    [
      `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^31|1:4|9`,
      'too many "|" fields after the inline key',
    ],
  ])('refuses %j: %s', (value, error) => {
    expect(parseCryptoAttribute(value)).toEqual({ ok: false, error, unsupported: false });
  });

  it('marks other key methods and several keys per line as unsupported, not malformed', () => {
    const mikey = parseCryptoAttribute('1 AES_CM_128_HMAC_SHA1_80 mikey:AQAFgM0XflABAAAA');
    expect(mikey).toMatchObject({ ok: false, unsupported: true });
    const two = parseCryptoAttribute(
      `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^20|1:4;inline:${KEY}|2^20|2:4`,
    );
    expect(two).toEqual({
      ok: false,
      error: 'several keys in one line are not supported',
      unsupported: true,
    });
  });

  it('formats what it parses back to the same text', () => {
    for (const value of [
      `2 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^31`,
      `3 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|2^31|1:1`,
      `1 AES_CM_128_HMAC_SHA1_32 inline:${KEY}`,
      `7 AES_CM_128_HMAC_SHA1_80 inline:${KEY}|1048576 UNENCRYPTED_SRTCP`,
    ]) {
      expect(formatCryptoAttribute(parsed(value))).toBe(value);
    }
  });
});

describe('decodeInlineKey', () => {
  it('decodes canonical base64 with or without padding', () => {
    const bytes = randomBytes(46);
    const padded = bytes.toString('base64');
    expect(decodeInlineKey(padded)).toEqual(new Uint8Array(bytes));
    expect(decodeInlineKey(padded.replace(/=+$/, ''))).toEqual(new Uint8Array(bytes));
  });

  it('refuses text that is not canonical base64', () => {
    for (const bad of ['', 'QQ=', 'Q', 'QR==', 'ab cd', 'abc*', 'YWJj\n']) {
      expect(decodeInlineKey(bad)).toBeUndefined();
    }
  });
});
