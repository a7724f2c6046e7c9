import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatedApp } from '../directory';

/**
 * Certificate credentials of an app registration. The portal shows a certificate's SHA-1
 * thumbprint; a client assertion names it by `x5t` (SHA-1) or `x5t#S256` (SHA-256), both base64url,
 * so the app's certificate map gets the public key under both.
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
export interface AppCertificate {
  certPem: string;
  privateKeyPem: string;
  /** Hex, as msal-node's clientCertificate.thumbprint wants it. */
  thumbprint: string;
  /** Hex, for msal-node's clientCertificate.thumbprintSha256. */
  thumbprintSha256: string;
}

/** Registers a certificate (PEM) as a credential of `app`. */
export function addCertificate(app: EmulatedApp, certPem: string): void {
  const cert = new X509Certificate(certPem);
  const hex = (fingerprint: string) => Buffer.from(fingerprint.replace(/:/g, ''), 'hex');
  app.certificates.set(hex(cert.fingerprint).toString('base64url'), cert.publicKey);
  app.certificates.set(hex(cert.fingerprint256).toString('base64url'), cert.publicKey);
}

/** A self-signed RSA certificate and key, as `New-SelfSignedCertificate` would give an app owner. */
export function makeAppCertificate(subject = 'ccx app credential'): AppCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-app-cert-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30']
        .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')])
        .concat(['-subj', `/CN=${subject}`]),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const cert = new X509Certificate(certPem);
    return {
      certPem,
      privateKeyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
      thumbprint: cert.fingerprint.replace(/:/g, ''),
      thumbprintSha256: cert.fingerprint256.replace(/:/g, ''),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
