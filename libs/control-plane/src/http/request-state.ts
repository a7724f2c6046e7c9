import type { Principal } from '../api-keys/authenticator';
import { forbidden } from '../problem/problem';
import type { TenantScope } from '../persistence/tenant-scope';

/** What authentication established for one request. */
export interface RequestState {
  principal: Principal;
  /** Present on tenant routes: the scope built from the key's tenant. */
  scope?: TenantScope;
}

/** Keyed by the request object itself: nothing is added to (or trusted from) the request. */
const states = new WeakMap<object, RequestState>();

export function setRequestState(req: object, state: RequestState): void {
  states.set(req, state);
}

export function requestState(req: object): RequestState | undefined {
  return states.get(req);
}

/** The tenant scope of a tenant route; a route without one is a wiring mistake (403). */
export function scopeOf(req: object): TenantScope {
  const scope = states.get(req)?.scope;
  if (!scope) throw forbidden('this route needs a tenant API key');
  return scope;
}

/** Idempotency keys and the like are scoped per owner: the tenant, or the operator. */
export function ownerOf(req: object): string | undefined {
  const principal = states.get(req)?.principal;
  if (!principal) return undefined;
  return principal.kind === 'operator' ? '#operator' : principal.tenantId;
}
