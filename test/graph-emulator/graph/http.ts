import { randomUUID } from 'node:crypto';

/**
 * One Graph operation, whether it came as its own HTTPS request or as an item of a JSON batch:
 * handlers see only this, so $batch runs each item through exactly the same code.
 */
export interface GraphRequest {
  method: string;
  /** Path below the version, e.g. /users/{id}/presence (no query). */
  path: string;
  version: 'v1.0' | 'beta';
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface GraphResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * Graph's error body, https://learn.microsoft.com/graph/errors:
 * `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`.
 */
export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): GraphResponse {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'request-id': requestId, 'client-request-id': requestId, ...headers },
    body: {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': requestId,
          'client-request-id': requestId,
        },
      },
    },
  };
}

export const badRequest = (message: string, code = 'BadRequest'): GraphResponse =>
  graphError(400, code, message);

export const notFound = (message: string): GraphResponse => graphError(404, 'NotFound', message);

export function ok(body: unknown, status = 200): GraphResponse {
  return { status, headers: { 'request-id': randomUUID() }, body };
}

export const noContent = (): GraphResponse => ({ status: 204, headers: {} });

export const isGraphResponse = (value: unknown): value is GraphResponse =>
  typeof value === 'object' && value !== null && 'status' in value && 'headers' in value;
