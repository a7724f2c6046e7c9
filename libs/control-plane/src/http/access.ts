import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { ApiKeyScope } from '@ccx/security';
import type { RouteAccess } from '../openapi/routes';
import { requestState, scopeOf } from './request-state';

export const ROUTE_ACCESS = 'ccx:route-access';
export const NO_TRANSACTION = 'ccx:no-transaction';

/** A tenant route: needs a tenant API key holding `scope`; the handler gets a TenantScope. */
export const TenantRoute = (scope: ApiKeyScope) =>
  SetMetadata(ROUTE_ACCESS, { kind: 'tenant', scope } satisfies RouteAccess);

/** An operator route: needs ADMIN_API_KEY. */
export const OperatorRoute = () =>
  SetMetadata(ROUTE_ACCESS, { kind: 'operator' } satisfies RouteAccess);

/** No authentication (documentation). Every other /v1 route must declare its access. */
export const PublicRoute = () =>
  SetMetadata(ROUTE_ACCESS, { kind: 'public' } satisfies RouteAccess);

/** Injects the caller's TenantScope: the only way a handler touches tenant data. */
export const Tenant = createParamDecorator((_data: unknown, ctx: ExecutionContext) =>
  scopeOf(ctx.switchToHttp().getRequest<object>()),
);

/** Injects the authenticated principal (operator, or tenant key with its scopes). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext) => {
  return requestState(ctx.switchToHttp().getRequest<object>())?.principal;
});

/**
 * A write route that must not run inside one database transaction, e.g. because it waits on
 * the network (a webhook ping): on the embedded PGlite an open transaction holds the whole
 * database. Its handler manages its own units of work; Idempotency-Key is not honoured.
 */
export const NoTransaction = () => SetMetadata(NO_TRANSACTION, true);
