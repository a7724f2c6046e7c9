import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from './api-key';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  it('round-trips and never contains the plaintext', () => {
    const box = new SecretBox('a-master-key-for-tests');
    const sealed = box.seal('whsec_c2VjcmV0');
    expect(sealed).not.toContain('whsec');
    expect(box.open(sealed)).toBe('whsec_c2VjcmV0');
  });

  it('refuses a ciphertext sealed under another key or tampered with', () => {
    const sealed = new SecretBox('first-master-key-000').seal('s');
    expect(() => new SecretBox('other-master-key-000').open(sealed)).toThrow();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => new SecretBox('first-master-key-000').open(tampered)).toThrow();
  });
});

describe('API keys', () => {
  it('are tenant-prefixed, random, and stored only as a hash', () => {
    const a = generateApiKey('acme');
    const b = generateApiKey('acme');
    expect(a.key).toMatch(/^ccx_acme_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(hashApiKey(a.key));
    expect(a.hash).not.toContain(a.key.slice(9));
  });
});
