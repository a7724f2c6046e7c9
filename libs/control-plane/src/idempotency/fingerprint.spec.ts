import { describe, expect, it } from 'vitest';
import { canonicalJson, isValidIdempotencyKey, requestFingerprint } from './fingerprint';

describe('request fingerprints', () => {
  it('ignore key order at every level, not array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
    expect(requestFingerprint('post', '/v1/sites', { a: 1, b: 2 })).toBe(
      requestFingerprint('POST', '/v1/sites', { b: 2, a: 1 }),
    );
    expect(requestFingerprint('POST', '/v1/sites', [1, 2])).not.toBe(
      requestFingerprint('POST', '/v1/sites', [2, 1]),
    );
  });

  it('differ by method, path and body', () => {
    const base = requestFingerprint('POST', '/v1/sites', { a: 1 });
    expect(requestFingerprint('POST', '/v1/skills', { a: 1 })).not.toBe(base);
    expect(requestFingerprint('PUT', '/v1/sites', { a: 1 })).not.toBe(base);
    expect(requestFingerprint('POST', '/v1/sites', { a: '1' })).not.toBe(base);
  });

  it('accept keys of 1-255 visible ASCII characters', () => {
    expect(isValidIdempotencyKey('8e0f5a1c-0c53-4d0e-9a55-3b4a0f4c3c1e')).toBe(true);
    expect(isValidIdempotencyKey('')).toBe(false);
    expect(isValidIdempotencyKey('has space')).toBe(false);
    expect(isValidIdempotencyKey('é')).toBe(false);
    expect(isValidIdempotencyKey('x'.repeat(256))).toBe(false);
  });
});
