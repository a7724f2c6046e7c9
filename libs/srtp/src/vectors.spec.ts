// Known answers: RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key derivation), and
// libsrtp's srtp_driver.c known-answer SRTP and SRTCP packets for AES_CM_128_HMAC_SHA1_80.
import { describe, expect, it } from 'vitest';
import { AesCm, deriveKey, deriveSessionKeys } from './aes-cm';
import { createSrtpSession } from './index';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex').toUpperCase();

describe('RFC 3711 B.2: AES-CM keystream', () => {
  // Session key and the offset (salt already shifted), SSRC 0, ROC 0, SEQ 0.
  // The RFC's segment is 65,282 blocks; the block counter is the low 16 bits of the IV.
  const zeros = new Uint8Array(0xff02 * 16);
  const key = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const aes = new AesCm(key, hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), zeros.length);
  const keystream = new Uint8Array(zeros.length);
  aes.xor(zeros, 0, zeros.length, keystream, 0, 0, 0, 0);
  const block = (n: number) => toHex(keystream.subarray(n * 16, n * 16 + 16));

  it.each([
    [0x0000, 'E03EAD0935C95E80E166B16DD92B4EB4'],
    [0x0001, 'D23513162B02D0F72A43A2FE4A5F97AB'],
    [0x0002, '41E95B3BB0A2E8DD477901E4FCA894C0'],
    [0xfeff, 'EC8CDF7398607CB0F2D21675EA9EA1E4'],
    [0xff00, '362B7C3C6773516318A077D7FC5073AE'],
    [0xff01, '6A2CC3787889374FBEB4C81B17BA6C44'],
  ])('counter ...%s gives the published block', (n, expected) => {
    expect(block(n)).toBe(expected);
  });
});

describe('RFC 3711 B.3: key derivation', () => {
  const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
  const masterSalt = hex('0EC675AD498AFEEBB6960B3AABE6');

  it('derives the cipher key, cipher salt and auth key', () => {
    const keys = deriveSessionKeys(masterKey, masterSalt);
    expect(toHex(keys.rtpKey)).toBe('C61E7A93744F39EE10734AFE3FF7A087');
    expect(toHex(keys.rtpSalt)).toBe('30CBBC08863D8C85D49DB34A9AE1');
    expect(toHex(keys.rtpAuthKey)).toBe('CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
  });

  it('derives the whole 94-byte auth key block of the RFC example', () => {
    expect(toHex(deriveKey(masterKey, masterSalt, 0x01, 94))).toBe(
      'CEBE321F6FF7716B6FD4AB49AF256A15' +
        '6D38BAA48F0A0ACF3C34E2359E6CDBCE' +
        'E049646C43D9327AD175578EF7227098' +
        '6371C10C9A369AC2F94A8C5FBCDDDC25' +
        '6D6E919A48B610EF17C2041E47403576' +
        '6B68642C59BBFC2F34DB60DBDFB2',
    );
  });
});

describe('libsrtp srtp_driver known-answer packets (same master key and salt)', () => {
  const options = {
    suite: 'AES_CM_128_HMAC_SHA1_80' as const,
    masterKey: hex('E1F97A0D3E018BE0D64FA32C06DE4139'),
    masterSalt: hex('0EC675AD498AFEEBB6960B3AABE6'),
  };
  const rtp = hex('800f1234decafbadcafebabe' + 'ab'.repeat(16));
  const srtp = hex('800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb');
  const rtcp = hex('81c8000bcafebabe' + 'ab'.repeat(16));
  // libsrtp numbers its first SRTCP packet 1; RFC 3711 §3.4 starts at 0, so this is our second.
  const srtcpIndex1 = hex(
    '81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798',
  );

  it('protects the RTP packet to the published bytes and back', () => {
    expect(toHex(createSrtpSession(options).protectRtp(rtp) as Uint8Array)).toBe(toHex(srtp));
    expect(toHex(createSrtpSession(options).unprotectRtp(srtp) as Uint8Array)).toBe(toHex(rtp));
  });

  it('protects the RTCP packet to the published bytes (index 1) and back', () => {
    const sender = createSrtpSession(options);
    sender.protectRtcp(rtcp);
    expect(toHex(sender.protectRtcp(rtcp) as Uint8Array)).toBe(toHex(srtcpIndex1));
    expect(toHex(createSrtpSession(options).unprotectRtcp(srtcpIndex1) as Uint8Array)).toBe(
      toHex(rtcp),
    );
  });

  it('refuses every truncation of the known-answer packets', () => {
    for (let n = 0; n < srtp.length; n++)
      expect(createSrtpSession(options).unprotectRtp(srtp.subarray(0, n))).toBeTypeOf('string');
    for (let n = 0; n < srtcpIndex1.length; n++)
      expect(createSrtpSession(options).unprotectRtcp(srtcpIndex1.subarray(0, n))).toBeTypeOf(
        'string',
      );
  });
});
