import { GraphError } from '@microsoft/microsoft-graph-client';
import { parseRetryAfter, type GraphThrottle } from './throttle';

/** A Graph request that failed for good (not throttling, or throttled too often). */
export class GraphCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphCallError';
  }
}

/** Statuses Graph asks to retry after a while (throttled, or busy). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * Runs one Graph request within the tenant's budget: waits for a token, and on 429/503/504 records
 * Retry-After with the throttle (blocking every request of the tenant) and tries again, up to
 * `attempts` times. Other failures become a GraphCallError naming status and Graph error code.
 */
export async function graphCall<T>(
  throttle: GraphThrottle,
  tenantId: string,
  send: () => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await throttle.take(tenantId);
    try {
      return await send();
    } catch (err) {
      const status = err instanceof GraphError ? err.statusCode : 0;
      const code = err instanceof GraphError ? (err.code ?? 'unknown') : 'network';
      if (RETRYABLE_STATUSES.has(status) && attempt < attempts) {
        const retryAfter = parseRetryAfter(
          err instanceof GraphError ? err.headers?.get('retry-after') : undefined,
        );
        throttle.backOff(tenantId, retryAfter ?? 2 ** attempt);
        continue;
      }
      const message = err instanceof Error ? err.message : String(err);
      throw new GraphCallError(status, code, `Graph ${status || 'request'} ${code}: ${message}`);
    }
  }
}
