import { createHash, randomBytes } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A stable GUID derived from `text` (service principal object ids). */
export function stableGuid(text: string): string {
  const hex = digest(text).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The object id of an app's service principal in a tenant (the `oid` of its app-only tokens). */
export const servicePrincipalId = (tenantId: string, clientId: string): string =>
  stableGuid(`service-principal:${tenantId}:${clientId}`);

/** `sub` is pairwise: the same user has a different subject for each application. */
export const pairwiseSubject = (userId: string, clientId: string): string =>
  digest(`sub:${userId}:${clientId}`).toString('base64url');

/** An opaque one-time value (authorization codes, refresh tokens, sign-in contexts). */
export const opaque = (bytes = 48): string => randomBytes(bytes).toString('base64url');
