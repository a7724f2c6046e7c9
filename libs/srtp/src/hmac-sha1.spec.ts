import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HmacSha1 } from './hmac-sha1';

// The hand-written HMAC-SHA1 must equal node:crypto's on every length that changes the
// padding (one or two final blocks, whole blocks read straight from the packet).
describe('HmacSha1 against createHmac', () => {
  const key = randomBytes(20);
  const mac = new HmacSha1(key);
  const data = randomBytes(400);

  it('equals createHmac on every length 0–300, with and without the 32-bit suffix', () => {
    for (let length = 0; length <= 300; length++) {
      const suffix = (length * 2654435761) >>> 0;
      const suffixBytes = Buffer.alloc(4);
      suffixBytes.writeUInt32BE(suffix);
      const plain = createHmac('sha1', key).update(data.subarray(0, length)).digest();
      const withSuffix = createHmac('sha1', key)
        .update(data.subarray(0, length))
        .update(suffixBytes)
        .digest();
      expect(Buffer.from(mac.compute(data, length, 0, false))).toEqual(plain);
      expect(Buffer.from(mac.compute(data, length, suffix, true))).toEqual(withSuffix);
    }
  });

  it('equals createHmac for RFC 2202 test case 2 (short key "Jefe")', () => {
    const jefe = new HmacSha1(Buffer.from('Jefe'));
    const msg = Buffer.from('what do ya want for nothing?');
    expect(Buffer.from(jefe.compute(msg, msg.length, 0, false)).toString('hex')).toBe(
      'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79',
    );
  });
});
