import { randomUUID } from 'node:crypto';
import type { Response } from 'express';

/**
 * The error shape of the identity platform (Graph's is built in graph/http.ts):
 * the identity platform's token endpoint: `{ error, error_description, error_codes, timestamp,
 *   trace_id, correlation_id }` with AADSTS codes in the description
 *   https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
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
