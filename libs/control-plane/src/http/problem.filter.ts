import {
  Catch,
  HttpException,
  Inject,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Logger } from '@ccx/observability';
import { LOGGER } from '@ccx/service-kit';
import { problemFromDatabaseError } from '../problem/db-errors';
import { ApiProblem, PROBLEM_CONTENT_TYPE, type ProblemKind } from '../problem/problem';

interface HttpResponse {
  headersSent: boolean;
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
  end(body?: string): void;
}
interface HttpRequest {
  path: string;
  originalUrl: string;
}

/** Nest's own HTTP errors (unknown route, unreadable body) as problem kinds. */
const kindOfStatus: Record<number, ProblemKind> = {
  400: 'malformed-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
};

/** Converts anything thrown into an ApiProblem (unknown errors become a logged 500). */
export function toProblem(err: unknown, log?: (err: unknown) => void): ApiProblem {
  if (err instanceof ApiProblem) return err;
  const fromDb = problemFromDatabaseError(err);
  if (fromDb) return fromDb;
  if (err instanceof HttpException) {
    const kind = kindOfStatus[err.getStatus()];
    if (kind) {
      const detail =
        kind === 'malformed-request' ? `the body is not valid JSON (${err.message})` : err.message;
      return new ApiProblem(kind, detail);
    }
  }
  log?.(err);
  return new ApiProblem('internal', 'an unexpected error occurred; it has been logged');
}

/**
 * Every error of the API as RFC 9457 `application/problem+json`. Outside /v1 (health,
 * metrics), Nest's HTTP errors keep their own bodies, which terminus and scrapers expect.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw err;
    const req = host.switchToHttp().getRequest<HttpRequest>();
    const res = host.switchToHttp().getResponse<HttpResponse>();
    if (res.headersSent) return;
    if (err instanceof HttpException && !req.path.startsWith('/v1') && req.path !== '/') {
      res.status(err.getStatus());
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      const body = err.getResponse();
      res.end(JSON.stringify(typeof body === 'string' ? { message: body } : body));
      return;
    }
    const problem = toProblem(err, (e) =>
      this.logger.error({ err: e, path: req.path }, 'unhandled error in request'),
    );
    res.status(problem.status);
    res.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="ccx"');
    res.end(JSON.stringify(problem.toDetails(req.originalUrl.split('?')[0])));
  }
}
