import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator, bearerToken } from '../api-keys/authenticator';
import type { RouteAccess } from '../openapi/routes';
import { TenantScopeFactory } from '../persistence/tenant-scope.factory';
import { forbidden, unauthorized } from '../problem/problem';
import { ROUTE_ACCESS } from './access';
import { setRequestState } from './request-state';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  path: string;
}

/**
 * Global guard. Every /v1 route declares its access (@TenantRoute, @OperatorRoute,
 * @PublicRoute); one that does not is refused, so a new route is never open by accident.
 * Tenant routes get a TenantScope for the key's tenant, attached to the request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(TenantScopeFactory) private readonly scopes: TenantScopeFactory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!access) {
      if (req.path.startsWith('/v1')) throw forbidden('this route declares no access policy');
      return true;
    }
    if (access.kind === 'public') return true;
    const header = req.headers['authorization'];
    const token = bearerToken(Array.isArray(header) ? header[0] : header);

    if (access.kind === 'operator') {
      if (this.auth.isOperatorKey(token)) {
        setRequestState(req, { principal: { kind: 'operator' } });
        return true;
      }
      // A valid tenant key is authenticated but not allowed here; anything else is unknown.
      await this.auth.tenantPrincipal(token).catch(() => {
        throw unauthorized('not the operator key');
      });
      throw forbidden('this route needs the operator key; tenant keys cannot use it');
    }

    if (this.auth.isOperatorKey(token)) {
      throw forbidden('the operator key cannot act for a tenant; use a tenant API key');
    }
    const principal = await this.auth.tenantPrincipal(token);
    if (!principal.scopes.includes(access.scope)) {
      throw forbidden(`the API key lacks the scope "${access.scope}"`);
    }
    setRequestState(req, { principal, scope: this.scopes.forTenant(principal.tenantId) });
    return true;
  }
}
