// Caller-ID screening: a From number the tenant does not own is refused, rewritten or let through,
// by the tenant's policy. Any range of the tenant counts as owned, whatever its purpose.
import type { TenantConfig } from './config';
import type { RangeIndex } from './numbers';

export type ScreeningResult =
  | { ok: true; calling: string; rewritten: boolean }
  | { ok: false; status: 403; reason: string; q850Cause: 21 };

export function screenCallerId(
  tenant: TenantConfig,
  calling: string,
  ranges: RangeIndex,
): ScreeningResult {
  if (ranges.lookup(calling)?.tenant.id === tenant.id)
    return { ok: true, calling, rewritten: false };
  const { policy, rewriteTo } = tenant.callerId;
  if (policy === 'allow') return { ok: true, calling, rewritten: false };
  if (policy === 'rewrite' && rewriteTo !== undefined)
    return { ok: true, calling: rewriteTo, rewritten: rewriteTo !== calling };
  return {
    ok: false,
    status: 403,
    reason: `calling number ${calling || '(none)'} is not a number of tenant ${tenant.id}`,
    q850Cause: 21,
  };
}
