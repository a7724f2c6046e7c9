import {
  constants,
  createCipheriv,
  createHmac,
  publicEncrypt,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';

/**
 * Rich notifications: resource data encrypted for the subscriber's certificate.
 * https://learn.microsoft.com/graph/change-notifications-with-resource-data#decrypting-resource-data-from-change-notifications
 * - a random 32-byte symmetric key; data = AES-256-CBC, IV = the key's first 16 bytes, PKCS7;
 * - dataKey = the key encrypted with RSA-OAEP (SHA-1) under the certificate's public key;
 * - dataSignature = HMAC-SHA256 of the encrypted bytes under the symmetric key;
 * all base64, with the certificate id the subscriber chose and the certificate's SHA-1 thumbprint.
 */
export interface EncryptionCertificate {
  id: string;
  publicKey: KeyObject;
  /** SHA-1 thumbprint, upper-case hex without separators, as Windows shows it. */
  thumbprint: string;
}

export interface EncryptedContent {
  data: string;
  dataSignature: string;
  dataKey: string;
  encryptionCertificateId: string;
  encryptionCertificateThumbprint: string;
}

/** The certificate of a subscription: base64 DER (no PEM armour) with an RSA public key. */
export function parseEncryptionCertificate(
  base64Der: string,
  id: string,
): EncryptionCertificate | string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(base64Der, 'base64'));
  } catch {
    return 'encryptionCertificate is not a base64-encoded X.509 certificate.';
  }
  if (cert.publicKey.asymmetricKeyType !== 'rsa') {
    return 'encryptionCertificate must carry an RSA public key.';
  }
  return { id, publicKey: cert.publicKey, thumbprint: cert.fingerprint.replace(/:/g, '') };
}

export function encryptContent(resource: unknown, cert: EncryptionCertificate): EncryptedContent {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]);
  const dataKey = publicEncrypt(
    { key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    key,
  );
  return {
    data: data.toString('base64'),
    dataSignature: createHmac('sha256', key).update(data).digest('base64'),
    dataKey: dataKey.toString('base64'),
    encryptionCertificateId: cert.id,
    encryptionCertificateThumbprint: cert.thumbprint,
  };
}
