import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Scopes an API key can hold. `admin` is the operator's; the others are per tenant. */
export const apiKeyScopes = [
  'config:read',
  'config:write',
  'keys:manage',
  'webhooks:manage',
  'events:read',
] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

export interface GeneratedApiKey {
  /** The whole key, shown to its owner exactly once. */
  key: string;
  /** Shown in listings: `ccx_<tenant>_<first 6 chars>`. */
  prefix: string;
  /** What is stored. */
  hash: string;
}

/** Keys look like `ccx_<tenant>_<43 chars of base64url>`: 256 bits of randomness. */
export function generateApiKey(tenantId: string): GeneratedApiKey {
  const secret = randomBytes(32).toString('base64url');
  const key = `ccx_${tenantId}_${secret}`;
  return { key, prefix: `ccx_${tenantId}_${secret.slice(0, 6)}`, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
