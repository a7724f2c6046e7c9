/**
 * What the emulated Entra ID remembers between requests: sign-ins waiting for the user's password,
 * authorization codes and refresh tokens. In memory, per emulator.
 */
export interface PendingSignIn {
  segment: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  responseMode: 'query' | 'form_post';
  loginHint?: string;
  createdAt: number;
}

export interface AuthCode {
  clientId: string;
  tenantId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  issuedAt: number;
  redeemed: boolean;
}

export interface RefreshGrant {
  clientId: string;
  tenantId: string;
  userId: string;
  issuedAt: number;
  lastUsedAt: number;
}

export class EntraState {
  readonly pending = new Map<string, PendingSignIn>();
  readonly codes = new Map<string, AuthCode>();
  readonly refreshTokens = new Map<string, RefreshGrant>();
}

/** Authorization codes live 10 minutes (v2-oauth2-auth-code-flow). */
export const CODE_LIFETIME_MS = 10 * 60_000;
/** Refresh tokens of confidential clients expire after 90 days without use (refresh-tokens). */
export const REFRESH_INACTIVITY_MS = 90 * 24 * 3600_000;
/** How long the sign-in page accepts the password after /authorize was opened. */
export const SIGN_IN_LIFETIME_MS = 60 * 60_000;
