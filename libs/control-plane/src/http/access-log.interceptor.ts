import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { Logger } from '@ccx/observability';
import { LOGGER } from '@ccx/service-kit';
import { requestState } from './request-state';

interface HttpRequest {
  method: string;
  originalUrl: string;
  route?: { path?: string };
}
interface HttpResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): void;
}

/**
 * One structured line per API request once the response is sent (errors included): method,
 * route template, status, duration, and who called (tenant and key id, or the operator).
 * Never the query string, the body or the key.
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const res = context.switchToHttp().getResponse<HttpResponse>();
    const path = req.originalUrl.split('?')[0] ?? '';
    if (path.startsWith('/v1')) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const principal = requestState(req)?.principal;
        const status = res.statusCode;
        const line = {
          method: req.method,
          route: req.route?.path ?? path,
          status,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          ...(principal?.kind === 'tenant'
            ? { tenantId: principal.tenantId, keyId: principal.keyId }
            : principal?.kind === 'user'
              ? { tenantId: principal.tenantId, userId: principal.userId }
              : principal
                ? { operator: true }
                : {}),
        };
        if (status >= 500) this.logger.error(line, 'api request');
        else this.logger.info(line, 'api request');
      });
    }
    return next.handle();
  }
}
