import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The certificate Graph encrypts rich notifications to: sent with each subscription as base64
 * DER, with an id we pick (its SHA-256 fingerprint) that comes back in every notification.
 */
export function loadEncryption(certFile: string | undefined, keyFile: string | undefined) {
  if (!certFile || !keyFile) return undefined;
  const cert = new X509Certificate(readFileSync(certFile));
  const privateKey = createPrivateKey(readFileSync(keyFile));
  if (!cert.checkPrivateKey(privateKey)) {
    throw new Error('PRESENCE_KEY_FILE is not the key of PRESENCE_CERT_FILE');
  }
  return {
    certificate: cert.raw.toString('base64'),
    certificateId: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    privateKey,
  };
}
