import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { NodeAuthOptions } from '@azure/msal-node';
import { z } from 'zod';
import type { SecretBox } from '@ccx/security';

/**
 * The credential our app registration authenticates with in a customer's tenant: a client secret,
 * or a certificate (private key + certificate, both PEM). As given by the admin; validated.
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
export const credentialInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('secret'),
    secret: z.string().min(8).max(1024).meta({ description: 'The client secret value.' }),
  }),
  z.strictObject({
    kind: z.literal('certificate'),
    privateKeyPem: z.string().min(1).max(20_000).meta({ description: 'PEM private key.' }),
    certificatePem: z.string().min(1).max(20_000).meta({ description: 'PEM X.509 certificate.' }),
  }),
]);
export type CredentialInput = z.output<typeof credentialInputSchema>;

/** What is sealed at rest. */
const storedCredentialSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('secret'), secret: z.string() }),
  z.object({
    kind: z.literal('certificate'),
    privateKeyPem: z.string(),
    certificatePem: z.string(),
    thumbprintSha256: z.string(),
  }),
]);
export type StoredCredential = z.output<typeof storedCredentialSchema>;

/** A credential the admin gave that cannot be used; `field` is the input field at fault. */
export class CredentialError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialError';
  }
}

/**
 * Checks the input and turns it into what is stored: the private key as PKCS#8 PEM (what MSAL
 * wants), the certificate's SHA-256 thumbprint (hex, MSAL `thumbprintSha256`), and a hint shown
 * instead of the credential (last 4 characters of a secret, or the thumbprint).
 */
export function prepareCredential(input: CredentialInput): {
  credential: StoredCredential;
  hint: string;
} {
  if (input.kind === 'secret') {
    return { credential: input, hint: `…${input.secret.slice(-4)}` };
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(input.certificatePem);
  } catch {
    throw new CredentialError('credential.certificatePem', 'not a PEM X.509 certificate');
  }
  let privateKeyPem: string;
  try {
    const key = createPrivateKey(input.privateKeyPem);
    if (!cert.checkPrivateKey(key)) {
      throw new CredentialError('credential.privateKeyPem', "does not match the certificate's key");
    }
    privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (e) {
    if (e instanceof CredentialError) throw e;
    throw new CredentialError('credential.privateKeyPem', 'not an unencrypted PEM private key');
  }
  if (new Date(cert.validTo).getTime() < Date.now()) {
    throw new CredentialError('credential.certificatePem', `expired on ${cert.validTo}`);
  }
  const thumbprintSha256 = cert.fingerprint256.replace(/:/g, '');
  return {
    credential: {
      kind: 'certificate',
      privateKeyPem,
      certificatePem: cert.toString(),
      thumbprintSha256,
    },
    hint: thumbprintSha256,
  };
}

export const sealCredential = (box: SecretBox, credential: StoredCredential): string =>
  box.seal(JSON.stringify(credential));

export function openCredential(box: SecretBox, ciphertext: string): StoredCredential {
  return storedCredentialSchema.parse(JSON.parse(box.open(ciphertext)));
}

/** The credential part of MSAL's `auth` options. */
export function msalCredential(
  credential: StoredCredential,
): Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate'> {
  if (credential.kind === 'secret') return { clientSecret: credential.secret };
  return {
    clientCertificate: {
      thumbprintSha256: credential.thumbprintSha256,
      privateKey: credential.privateKeyPem,
    },
  };
}
