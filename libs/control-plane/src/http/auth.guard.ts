import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { EntraTokenError, EntraTokenValidator, type EntraPrincipal } from '@ccx/auth';
import { Authenticator, bearerToken } from '../api-keys/authenticator';
import { ENTRA_VALIDATOR } from '../m365/m365.options';
import { userMayUse } from '../m365/user-access';
import { entraProblem } from '../m365/entra-problem';
import type { RouteAccess } from '../openapi/routes';
import { TenantScopeFactory } from '../persistence/tenant-scope.factory';
import { forbidden, unauthorized } from '../problem/problem';
import { ROUTE_ACCESS } from './access';
import { setRequestState } from './request-state';

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  path: string;
  method: string;
  route?: { path?: unknown };
  params?: Record<string, string | undefined>;
}

/**
 * Global guard. Every /v1 route declares its access (@TenantRoute, @OperatorRoute,
 * @PublicRoute); one that does not is refused, so a new route is never open by accident.
 * Tenant routes get a TenantScope for the caller's tenant, attached to the request: the tenant of
 * the API key, or, for a bearer that is a JWT, the tenant whose Microsoft 365 connection is the
 * token's Entra tenant (EntraTokenValidator; docs/identity.md).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(Authenticator) private readonly auth: Authenticator,
    @Inject(TenantScopeFactory) private readonly scopes: TenantScopeFactory,
    @Inject(ENTRA_VALIDATOR) private readonly entra: EntraTokenValidator | null,
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
    const isOperator = this.auth.isOperatorKey(token);
    const isJwt = !isOperator && EntraTokenValidator.looksLikeJwt(token);

    if (access.kind === 'operator') {
      if (isOperator) {
        setRequestState(req, { principal: { kind: 'operator' } });
        return true;
      }
      // A valid tenant key or user is authenticated but not allowed here; anything else is unknown.
      await (isJwt ? this.user(token) : this.auth.tenantPrincipal(token)).catch(() => {
        throw unauthorized('not the operator key');
      });
      throw forbidden('this route needs the operator key; tenant keys and users cannot use it');
    }

    if (isOperator) {
      throw forbidden('the operator key cannot act for a tenant; use a tenant API key');
    }
    if (isJwt) {
      const user = await this.user(token);
      const scope = this.scopes.forTenant(user.tenantId);
      const allowed = await userMayUse(
        user,
        access.scope,
        {
          method: req.method,
          routePath: typeof req.route?.path === 'string' ? req.route.path : undefined,
          params: req.params ?? {},
        },
        scope,
      );
      if (!allowed) {
        throw forbidden(
          `the role(s) ${user.roles.join(', ')} do not allow this route (it needs "${access.scope}")`,
        );
      }
      setRequestState(req, { principal: user, scope });
      return true;
    }
    const principal = await this.auth.tenantPrincipal(token);
    if (!principal.scopes.includes(access.scope)) {
      throw forbidden(`the API key lacks the scope "${access.scope}"`);
    }
    setRequestState(req, { principal, scope: this.scopes.forTenant(principal.tenantId) });
    return true;
  }

  private async user(token: string): Promise<EntraPrincipal> {
    if (!this.entra) {
      throw unauthorized('Entra ID tokens are not accepted: M365_API_AUDIENCES is not set');
    }
    try {
      return await this.entra.validate(token);
    } catch (e) {
      if (e instanceof EntraTokenError) throw entraProblem(e);
      throw e;
    }
  }
}
