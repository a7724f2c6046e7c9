/** Microsoft 365 settings of the API (M365_* variables, docs/identity.md). */
export interface M365Options {
  /** Entra ID's login host (M365_AUTHORITY), default https://login.microsoftonline.com. */
  authority: string;
  /** Extra CA to trust on the way to Entra ID (contents of M365_EXTRA_CA_FILE). */
  extraCaPem?: string;
  /**
   * Our API's client id and/or Application ID URI (M365_API_AUDIENCES). Empty: Entra ID tokens
   * are not accepted as bearers. The first one names the API in sign-in scopes.
   */
  apiAudiences: readonly string[];
  /** Public base URL of the API (M365_REDIRECT_BASE_URL); callbacks live under it. */
  redirectBaseUrl?: string;
}

export const M365_OPTIONS = Symbol('M365_OPTIONS');
export const M365_CLIENTS = Symbol('M365_CLIENTS');
/** The EntraTokenValidator, or null when no API audience is configured. */
export const ENTRA_VALIDATOR = Symbol('ENTRA_VALIDATOR');

/** Callback paths, relative to the redirect base URL (register them on the app registration). */
export const CALLBACKS = {
  adminConsent: '/v1/m365/consent/callback',
  serviceSignIn: '/v1/m365/service-sign-in/callback',
  userSignIn: '/v1/m365/sign-in/callback',
} as const;

/** How long a consent or sign-in round trip may take. */
export const AUTH_REQUEST_TTL_MS = 10 * 60_000;
