import { agentSelfRoutes, routeMatches, supervisorRoutes, type EntraPrincipal } from '@ccx/auth';
import { agents } from '@ccx/persistence';
import type { ApiKeyScope } from '@ccx/security';
import type { TenantScope } from '../persistence/tenant-scope';

export interface UserRouteRequest {
  method: string;
  /** Express route pattern, e.g. `/v1/agents/:id/state`. */
  routePath: string | undefined;
  params: Record<string, string | undefined>;
}

/**
 * Whether a user signed in with Microsoft 365 may use a tenant route needing `scope`: by the
 * scopes of its roles, or the routes its role opens beyond them (supervisors: agents' states and
 * queues; agents: their own agent only, matched by Teams user id, or by UPN while it has none).
 */
export async function userMayUse(
  principal: EntraPrincipal,
  scope: ApiKeyScope,
  req: UserRouteRequest,
  tenant: TenantScope,
): Promise<boolean> {
  if (principal.scopes.includes(scope)) return true;
  const path = req.routePath ?? '';
  if (principal.roles.includes('supervisor') && routeMatches(supervisorRoutes, req.method, path)) {
    return true;
  }
  if (principal.roles.includes('agent') && routeMatches(agentSelfRoutes, req.method, path)) {
    const id = req.params['id'];
    if (!id) return false;
    const agent = await tenant.get(agents, id);
    if (!agent) return false;
    // The object id (oid) is the identifier Microsoft says to authorize on; the UPN (a claim the
    // tenant's admins can change) only stands in while the agent has no Teams user id yet.
    if (agent.teamsUserId) return agent.teamsUserId === principal.userId;
    const upn = principal.username?.toLowerCase();
    return upn !== undefined && agent.upn === upn;
  }
  return false;
}
