import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { isValidIdempotencyKey, requestFingerprint } from '../idempotency/fingerprint';
import { IdempotencyStore } from '../idempotency/idempotency.store';
import { UnitOfWork } from '../persistence/unit-of-work';
import { ApiProblem, fieldProblem } from '../problem/problem';
import { NO_TRANSACTION } from './access';
import { ownerOf } from './request-state';

interface HttpRequest {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}
interface HttpResponse {
  statusCode: number;
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): void;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

const header = (req: HttpRequest, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function hasBody(req: HttpRequest): boolean {
  const length = header(req, 'content-length');
  return (length !== undefined && length !== '0') || header(req, 'transfer-encoding') !== undefined;
}

/**
 * Global interceptor for authenticated writes:
 * - refuses bodies that are not JSON (415);
 * - runs the handler in ONE transaction (UnitOfWork), so a request that fails half-way leaves
 *   nothing behind, and config.changed is published only after COMMIT;
 * - honours `Idempotency-Key` on POST: claims the key in that same transaction, replays the
 *   stored response (status and body, header `Idempotent-Replayed: true`) for the same body,
 *   and answers 422 for a different one.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(UnitOfWork) private readonly uow: UnitOfWork,
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const res = context.switchToHttp().getResponse<HttpResponse>();
    const owner = ownerOf(req);
    if (!WRITES.has(req.method) || owner === undefined) return next.handle();
    if (hasBody(req) && !JSON_TYPE.test(header(req, 'content-type') ?? '')) {
      throw new ApiProblem('unsupported-media-type', 'send the body as application/json');
    }
    const noTransaction = this.reflector.getAllAndOverride<boolean | undefined>(NO_TRANSACTION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (noTransaction) return next.handle();
    const key = req.method === 'POST' ? header(req, 'idempotency-key') : undefined;
    if (key !== undefined && !isValidIdempotencyKey(key)) {
      throw fieldProblem('Idempotency-Key', '1 to 255 visible ASCII characters');
    }
    return from(
      this.uow.run(async () => {
        if (key !== undefined) {
          const outcome = await this.store.begin({
            owner,
            key,
            method: req.method,
            path: req.path,
            fingerprint: requestFingerprint(req.method, req.path, req.body ?? null),
          });
          if (outcome.kind === 'mismatch') {
            throw new ApiProblem(
              'idempotency-key-reused',
              'this Idempotency-Key was used for a request with another body or path',
            );
          }
          if (outcome.kind === 'in-progress') throw new ApiProblem('idempotency-in-progress');
          if (outcome.kind === 'replay') {
            res.status(outcome.status);
            res.setHeader('Idempotent-Replayed', 'true');
            return outcome.body;
          }
        }
        const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        if (key !== undefined) await this.store.complete(owner, key, res.statusCode, body);
        return body;
      }),
    );
  }
}
