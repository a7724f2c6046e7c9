import type { EntraTokenError } from '@ccx/auth';
import { ApiProblem } from '../problem/problem';

/** Refusals of Entra tokens as problems (401/403 naming the reason; 503 when keys are unreachable). */
export function entraProblem(e: EntraTokenError): ApiProblem {
  const kind =
    e.status === 401 ? 'unauthorized' : e.status === 403 ? 'forbidden' : 'service-unavailable';
  return new ApiProblem(kind, `Entra ID token refused (${e.reason}): ${e.message}`);
}
