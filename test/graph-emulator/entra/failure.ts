import { randomUUID } from 'node:crypto';

/**
 * An error the identity platform answers with: HTTP status, OAuth `error`, AADSTS code and text
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). Handlers throw it;
 * the token endpoint renders it as JSON, the authorize endpoint as a redirect or an error page.
 */
export class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    readonly description: string,
    readonly suberror?: string,
  ) {
    super(`AADSTS${aadsts}: ${description}`);
  }
}

/** The error_description text as Entra ID words it: code, message, trace and correlation ids. */
export function errorDescription(aadsts: number, description: string): string {
  const trace = randomUUID();
  return `AADSTS${aadsts}: ${description} Trace ID: ${trace} Correlation ID: ${trace} Timestamp: ${new Date().toISOString()}`;
}

export const missingParameter = (name: string): OAuthFailure =>
  new OAuthFailure(
    400,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );

export const malformed = (what: string): OAuthFailure =>
  new OAuthFailure(
    400,
    'invalid_request',
    9002313,
    `Invalid request. Request is malformed or invalid: ${what}.`,
  );
