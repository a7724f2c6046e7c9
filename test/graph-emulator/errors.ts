import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

/**
 * The two error shapes clients parse:
 * - Graph: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`
 *   https://learn.microsoft.com/graph/errors
 * - the identity platform's token endpoint: `{ error, error_description, error_codes, timestamp,
 *   trace_id, correlation_id }` with AADSTS codes in the description
 *   https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export function graphError(
  res: Response,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const requestId = randomUUID();
  res
    .status(status)
    .set({ 'request-id': requestId, 'client-request-id': requestId, ...headers })
    .json({
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': requestId,
          'client-request-id': requestId,
        },
      },
    });
}

export function oauthError(
  res: Response,
  status: number,
  error: string,
  aadsts: number,
  description: string,
  /** More top-level fields, e.g. the identity platform's `suberror`. */
  extra: Record<string, string> = {},
): void {
  const trace = randomUUID();
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .json({
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${trace} Correlation ID: ${trace} Timestamp: ${new Date().toISOString()}`,
      error_codes: [aadsts],
      timestamp: new Date().toISOString(),
      trace_id: trace,
      correlation_id: trace,
      ...extra,
    });
}
