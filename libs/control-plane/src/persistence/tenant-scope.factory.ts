import type { ConfigEvents } from '../events/config-events';
import { TenantScope } from './tenant-scope';
import type { UnitOfWork } from './unit-of-work';

/**
 * Builds TenantScopes. Only the auth guard (from a verified API key) and operator routes (for
 * the tenant the operator names) call it; tenant routes never do.
 */
export class TenantScopeFactory {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: ConfigEvents,
  ) {}

  forTenant(tenantId: string): TenantScope {
    return new TenantScope(tenantId, this.uow, this.events);
  }
}
