import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '@ccx/security';
import {
  CredentialError,
  msalCredential,
  openCredential,
  prepareCredential,
  sealCredential,
} from './credentials';

let dir: string;
const pair = (name: string) => {
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`].concat([
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
    ]),
    { stdio: 'ignore' },
  );
  return {
    key: readFileSync(join(dir, `${name}.key`), 'utf8'),
    cert: readFileSync(join(dir, `${name}.crt`), 'utf8'),
  };
};
let one: { key: string; cert: string };
let two: { key: string; cert: string };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccx-auth-cred-'));
  one = pair('one');
  two = pair('two');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const errorOf = (fn: () => unknown): CredentialError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CredentialError) return e;
    throw e;
  }
  throw new Error('no CredentialError');
};

describe('credentials', () => {
  it('hints a secret by its last 4 characters and hands it to MSAL as clientSecret', () => {
    const { credential, hint } = prepareCredential({ kind: 'secret', secret: 'abcdefgh1234' });
    expect(hint).toBe('…1234');
    expect(msalCredential(credential)).toEqual({ clientSecret: 'abcdefgh1234' });
  });

  it("gives MSAL a certificate's SHA-256 thumbprint (hex) and a PKCS#8 key", () => {
    const { credential, hint } = prepareCredential({
      kind: 'certificate',
      privateKeyPem: one.key,
      certificatePem: one.cert,
    });
    const expected = new X509Certificate(one.cert).fingerprint256.replace(/:/g, '');
    expect(hint).toBe(expected);
    const msal = msalCredential(credential).clientCertificate;
    expect(msal?.thumbprintSha256).toBe(expected);
    expect(msal?.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('names the field at fault: a key of another certificate, or no certificate at all', () => {
    const mismatch = errorOf(() =>
      prepareCredential({ kind: 'certificate', privateKeyPem: two.key, certificatePem: one.cert }),
    );
    expect(mismatch.field).toBe('credential.privateKeyPem');
    const garbage = errorOf(() =>
      prepareCredential({ kind: 'certificate', privateKeyPem: one.key, certificatePem: 'nope' }),
    );
    expect(garbage.field).toBe('credential.certificatePem');
  });

  it('seals to ciphertext that only the same master key opens', () => {
    const box = new SecretBox('a master key of enough length');
    const { credential } = prepareCredential({ kind: 'secret', secret: 'super-secret-value' });
    const sealed = sealCredential(box, credential);
    expect(sealed).not.toContain('super-secret-value');
    expect(openCredential(box, sealed)).toEqual(credential);
    expect(() => openCredential(new SecretBox('another master key, also long'), sealed)).toThrow();
  });
});
